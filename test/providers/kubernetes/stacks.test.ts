// The Pulumi project: Pulumi.yaml loads stacks/index.ts the way Pulumi's Node.js host would, and the stack programs,
// run under the mock monitor with stack configuration, create the expected resources.
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { beforeEach, describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import * as pulumi from "@pulumi/pulumi"
import { parse as parseYaml } from "yaml"
import { DEFAULT_IMAGE as CLI_DEFAULT_IMAGE } from "../../../cli/plan/plan.program.ts"
import { DEFAULT_IMAGE } from "../../../stacks/config.ts"
import { compile } from "../../../stacks/compile.ts"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Run from "../../../dsl/Run.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import type * as Objects from "../../../providers/kubernetes/Objects.ts"
import * as Mocks from "./PulumiMocks.ts"

const here = (import.meta as { readonly url: string }).url
const root = fileURLToPath(new URL("../../../", here))
const NODE = fileURLToPath(new URL("../../../node_modules/.bin/node", here))

interface PulumiProject {
  readonly name: string
  readonly runtime: { readonly name: string; readonly options: { readonly typescript: boolean; readonly nodeargs: string } }
  readonly main: string
}

const project = (): PulumiProject => parseYaml(fs.readFileSync(`${root}Pulumi.yaml`, "utf8"))

/** What the stack program returns (its outputs) and what it registered. */
const runStack = async (stack: string, config: Record<string, string>, secretKeys: ReadonlyArray<string> = []) => {
  await Mocks.install(stack)
  pulumi.runtime.setAllConfig(config, [...secretKeys])
  const program = (await import("../../../stacks/index.ts")).default
  const outputs = await program()
  // The program returns once its resources are constructed; their registrations reach the mock monitor a few turns
  // later (the component plus one per object).
  for (let waited = 0; Mocks.registrations.length < outputs.objects.length + 1 && waited < 5000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return { outputs, registrations: [...Mocks.registrations] }
}

const inputsOf = (registrations: ReadonlyArray<Mocks.Registration>, type: string, name: string) => {
  const found = registrations.find((r) => r.type === type && r.name === name)
  assert.ok(found !== undefined, `${type} ${name}`)
  return Mocks.unsecret(found.inputs) as Record<string, unknown>
}

describe("Pulumi.yaml", () => {
  test("a Node.js program without ts-node: main is stacks/, whose index.ts Pulumi imports as an ES module", () => {
    const { name, runtime, main } = project()
    assert.equal(name, "tyger-ts")
    assert.equal(runtime.name, "nodejs")
    // Node >= 22.18 strips types itself; Pulumi's `typescript: true` would bring ts-node (CommonJS) instead.
    assert.equal(runtime.options.typescript, false)
    assert.equal(main, "stacks/")
    const pkg = JSON.parse(fs.readFileSync(`${root}package.json`, "utf8"))
    // Pulumi dynamic-imports the entry only when package.json says "module"; for a directory it takes index.js,
    // index.mjs, index.ts, index.mts, in that order, so no index.js may shadow index.ts.
    assert.equal(pkg.type, "module")
    assert.match(pkg.engines.node, /^>=22\.(19|[2-9]\d)/)
    assert.ok(fs.existsSync(`${root}stacks/index.ts`))
    assert.ok(!fs.existsSync(`${root}stacks/index.js`) && !fs.existsSync(`${root}stacks/index.mjs`))
  })

  test("stacks/index.ts has only a default export (Pulumi refuses a default export next to named ones)", async () => {
    const module = await import("../../../stacks/index.ts")
    assert.deepEqual(Object.keys(module), ["default"])
    assert.equal(typeof module.default, "function")
  })

  test("Node 22 loads stacks/index.ts with Pulumi.yaml's nodeargs and nothing else", () => {
    const { runtime } = project()
    const result = spawnSync(NODE, [...runtime.options.nodeargs.split(/\s+/).filter(Boolean), "--input-type=module", "-e",
      `const m = await import(${JSON.stringify(`${root}stacks/index.ts`)}); console.log(typeof m.default)`], { encoding: "utf8", cwd: root })
    assert.equal(result.stderr, "")
    assert.equal(result.stdout, "function\n")
    assert.equal(result.status, 0)
  })

  test("the stacks' default image is the CLI's", () => {
    assert.equal(DEFAULT_IMAGE, CLI_DEFAULT_IMAGE)
  })
})

describe("stack programs (Pulumi mocks, configuration read once at the root)", () => {
  beforeEach(Mocks.reset)

  test("nightly: the library's schedule as a CronJob with its Secret, in the configured namespace and image", async () => {
    const { outputs, registrations } = await runStack("nightly", {
      "tyger-ts:namespace": "tyger",
      "tyger-ts:image": "registry.example/tyger-ts:1",
      "tyger-ts:storageAccount": "tygerdata"
    })
    assert.deepEqual(outputs.objects, [
      "Secret/nightly-hello-buffers", "Role/nightly-hello-buffer-sidecar", "RoleBinding/nightly-hello-buffer-sidecar", "CronJob/nightly-hello"
    ])
    assert.deepEqual(registrations.map((r) => `${r.type} ${r.name}`), [
      "tyger-ts:kubernetes:Workflow nightly",
      "kubernetes:core/v1:Secret nightly-hello-buffers",
      "kubernetes:rbac.authorization.k8s.io/v1:Role nightly-hello-buffer-sidecar",
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding nightly-hello-buffer-sidecar",
      "kubernetes:batch/v1:CronJob nightly-hello"
    ])
    const cron = inputsOf(registrations, "kubernetes:batch/v1:CronJob", "nightly-hello") as unknown as Objects.CronJob
    assert.equal(cron.metadata.namespace, "tyger")
    assert.deepEqual(cron.metadata.labels, { "tyger-run": "nightly-hello" })
    assert.equal(cron.spec.schedule, "30 2 * * *")
    assert.equal(cron.spec.concurrencyPolicy, "Forbid")
    const pod = cron.spec.jobTemplate.spec.template.spec
    assert.deepEqual(pod.containers.map((c) => [c.name, c.image]), [
      ["main", "ubuntu"],
      ["input-buffer-sidecar", "registry.example/tyger-ts:1"],
      ["output-buffer-sidecar", "registry.example/tyger-ts:1"]
    ])
    const secret = inputsOf(registrations, "kubernetes:core/v1:Secret", "nightly-hello-buffers") as unknown as Objects.Secret
    assert.deepEqual(secret.stringData, {
      input: "https://tygerdata.blob.core.windows.net/nightlyinputbuffer000000000",
      output: "tyger-ts:unbound:create"
    })
  })

  test("distributed: DAPHNE's Job, workers' StatefulSet and headless Service; buffer URLs from secret config", async () => {
    const { outputs, registrations } = await runStack("dev", {
      "tyger-ts:program": "distributed",
      "tyger-ts:namespace": "science",
      "tyger-ts:bufferUrls": JSON.stringify({ daphne: { script: "https://acct/script?sig=s" } })
    }, ["tyger-ts:bufferUrls"])
    assert.deepEqual(outputs.objects, [
      "Secret/daphne-buffers", "Role/daphne-buffer-sidecar", "RoleBinding/daphne-buffer-sidecar",
      "Service/daphne-worker", "StatefulSet/daphne-worker", "Job/daphne-job"
    ])
    const job = inputsOf(registrations, "kubernetes:batch/v1:Job", "daphne-job") as unknown as Objects.Job
    assert.equal(job.metadata.namespace, "science")
    const main = job.spec.template.spec.containers.find((c) => c.name === "main")!
    const hosts = [0, 1, 2].map((i) => `daphne-worker-${i}.daphne-worker.science.svc.cluster.local:50051`)
    assert.equal(main.env?.find((e) => e.name === "DISTRIBUTED_WORKERS")?.value, hosts.join(","))
    assert.equal(job.spec.template.spec.containers.find((c) => c.name === "script-buffer-sidecar")?.image, DEFAULT_IMAGE)
    const sts = inputsOf(registrations, "kubernetes:apps/v1:StatefulSet", "daphne-worker") as unknown as Objects.StatefulSet
    assert.equal(sts.spec.replicas, 3)
    const service = inputsOf(registrations, "kubernetes:core/v1:Service", "daphne-worker") as unknown as Objects.Service
    assert.equal(service.spec.clusterIP, "None")
    const secret = inputsOf(registrations, "kubernetes:core/v1:Secret", "daphne-buffers") as unknown as Objects.Secret
    assert.deepEqual(secret.stringData, { result: "tyger-ts:unbound:create", script: "https://acct/script?sig=s" })
    const binding = inputsOf(registrations, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "daphne-buffer-sidecar") as unknown as Objects.RoleBinding
    assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "default", namespace: "science" }])
  })

  test("a workflow Kubernetes cannot run is refused at the stack's edge, every problem listed", async () => {
    const hello = Codespec.job({ name: "pipe", image: "busybox", buffers: { inputs: ["input"] } })
    // @ts-expect-error "Bad_Name" fails to compile too; the stack must still refuse it, for plain JavaScript
    const broken = Workflow.make({ runs: [Run.job(hello, { name: "ephemeral", buffers: { input: "_" } }), Run.job(hello, { name: "Bad_Name" })] })
    await assert.rejects(compile(broken), (error: unknown) => {
      assert.ok(pulumi.RunError.isInstance(error))
      // Each at the builder call in this file (line and column left out: edits move them).
      assert.equal((error as Error).message.replace(/\S*stacks\.test\.ts:\d+:\d+ /g, "stacks.test.ts "), [
        "the workflow does not compile:",
        "stacks.test.ts run ephemeral: Ephemeral buffers are not supported.",
        "stacks.test.ts run Bad_Name: run names must consist of lower case alphanumeric characters or '-', start and end with an alphanumeric character, and be at most 52 characters"
      ].join("\n"))
      return true
    })
  })

  test("an unknown program is refused with the known ones, before anything is registered", async () => {
    await assert.rejects(runStack("staging", {}), (error: unknown) => {
      assert.ok(pulumi.RunError.isInstance(error))
      assert.equal((error as Error).message, "unknown program 'staging': set tyger-ts:program to one of nightly, distributed")
      return true
    })
    assert.deepEqual(Mocks.registrations, [])
  })
})
