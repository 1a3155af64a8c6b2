// Settings a provider accepts and runs without (engine/plan/IgnoredSettings.ts): compile does not refuse them, the plan
// keeps them for the providers that use them, the engine has one warning per setting, and the run as recorded has no
// ignored cluster (Tyger's Docker mode stores `Cluster = null`).
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Effect, Exit } from "effect"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Run from "../../../dsl/Run.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import * as Compile from "../../../engine/plan/Compile.ts"
import * as IgnoredSettings from "../../../engine/plan/IgnoredSettings.ts"
import type * as Plan from "../../../engine/plan/Plan.ts"
import * as DockerProvider from "../../../providers/docker/DockerProvider.ts"

const DOCKER = { capabilities: DockerProvider.CAPABILITIES, ignores: DockerProvider.IGNORES, provider: "docker" } as const

const trainer = Codespec.job({ name: "trainer", image: "busybox", identity: "trainer-id", buffers: { inputs: ["input"] } })
const cloudRun = Run.job(trainer, { name: "train", nodePool: "gpunp", cluster: "westus" })

const compile = (run: Run.Any, options: Compile.CompileOptions) =>
  Effect.runPromiseExit(Compile.compile(Workflow.make({ runs: [run] }), options))

const compiled = async (run: Run.Any, options: Compile.CompileOptions): Promise<Plan.Plan> => {
  const exit = await compile(run, options)
  assert.ok(Exit.isSuccess(exit), String(exit))
  return exit.value
}

describe("IgnoredSettings", () => {
  test("a provider ignoring node pools and identities accepts them; the plan keeps them, and the cluster", async () => {
    const plan = await compiled(cloudRun, DOCKER)
    const run = plan.runs[0]!
    assert.equal(run.job.nodePool, "gpunp")
    assert.equal(run.cluster, "westus")
    assert.deepEqual(run.requires, ["Identities", "NodePools"])
    assert.equal(plan.codespecs[0]?.spec.identity, "trainer-id")
  })

  test("without declaring them ignored, a provider lacking the capabilities still refuses", async () => {
    const exit = await compile(cloudRun, { capabilities: DockerProvider.CAPABILITIES, provider: "docker" })
    assert.ok(Exit.isFailure(exit))
    const error = exit.cause.reasons.find((r) => r._tag === "Fail")
    assert.ok(error?._tag === "Fail")
    assert.deepEqual((error.error as { problems: ReadonlyArray<{ message: string }> }).problems.map((p) => p.message), [
      "the docker provider does not support node pools",
      "the docker provider does not support workload identities"
    ])
  })

  test("one warning per ignored setting the run uses, naming what it asked for", async () => {
    const plan = await compiled(cloudRun, DOCKER)
    assert.deepEqual(IgnoredSettings.warnings(plan, plan.runs[0]!, DockerProvider.IGNORES, "docker"), [
      "Node pools are ignored by the docker provider: nodePool 'gpunp' has no effect",
      "Workload identities are ignored by the docker provider: codespec identity 'trainer-id' has no effect",
      "Clusters are ignored by the docker provider: cluster 'westus' has no effect"
    ])
    // Nothing ignored, or nothing used: no warning.
    assert.deepEqual(IgnoredSettings.warnings(plan, plan.runs[0]!, new Set(), "kubernetes"), [])
    assert.deepEqual(IgnoredSettings.warnings(plan, plan.runs[0]!, undefined, "kubernetes"), [])
    const plain = await compiled(Run.job(Codespec.job({ image: "busybox" }), { name: "plain" }), DOCKER)
    assert.deepEqual(IgnoredSettings.warnings(plain, plain.runs[0]!, DockerProvider.IGNORES, "docker"), [])
  })

  test("a distributed run's job and worker settings share one line per setting", async () => {
    const worker = Codespec.worker({ name: "w", image: "busybox", identity: "worker-id", endpoints: { api: 80 } })
    const job = Codespec.job({ name: "j", image: "busybox", identity: "job-id" })
    const plan = await compiled(
      Run.untyped(job, { name: "d", nodePool: "cpunp", worker: { codespec: worker, nodePool: "gpunp", replicas: 2 } }),
      DOCKER
    )
    assert.deepEqual(IgnoredSettings.warnings(plan, plan.runs[0]!, DockerProvider.IGNORES, "docker"), [
      "Node pools are ignored by the docker provider: nodePool 'cpunp', 'gpunp' have no effect",
      "Workload identities are ignored by the docker provider: codespec identity 'job-id', 'worker-id' have no effect"
    ])
  })

  test("the run as recorded drops an ignored cluster only", async () => {
    const run = (await compiled(cloudRun, DOCKER)).runs[0]!
    assert.equal(IgnoredSettings.recorded(run, DockerProvider.IGNORES).cluster, undefined)
    assert.equal(IgnoredSettings.recorded(run, DockerProvider.IGNORES).job.nodePool, "gpunp")
    assert.equal(IgnoredSettings.recorded(run, new Set()).cluster, "westus")
    assert.equal(IgnoredSettings.covers(DockerProvider.IGNORES, "NodePools"), true)
    assert.equal(IgnoredSettings.covers(DockerProvider.IGNORES, "Sockets"), false)
  })
})
