// The main container a run becomes (pure: no engine needed), and Tyger's message for a missing image.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Effect } from "effect"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Run from "../../../dsl/Run.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import * as Compiler from "../../../engine/Compiler.ts"
import type { RunRequest } from "../../../engine/Provider.ts"
import { containerSpec, imageMissing } from "../../../providers/docker/DockerRunCreator.ts"
import { capabilitiesOf } from "../../../providers/docker/DockerProvider.ts"
import * as Naming from "../../../providers/docker/internal/naming.ts"

const requestFor = (run: Run.Any, runId = 7): RunRequest => {
  const plan = Effect.runSync(Compiler.compile(Workflow.make({ runs: { r: run } })))
  return { runId, plan, run: plan.runs[0]!, buffers: { input: "in-id", output: "out-id" }, pull: false }
}

const options = { dataDir: "/data", instance: "abc123", labels: { "tyger-test": "1" } }

describe("DockerRunCreator.containerSpec", () => {
  test("env: codespec env then <P>_PIPE, expanded with Kubernetes rules; command/args expanded against it", () => {
    const codespec = Codespec.job({
      image: "busybox",
      buffers: { inputs: ["input"], outputs: ["my-out"] },
      env: { A: "a", B: "$(A)-b", LIT: "$$(A)", LATE: "$(INPUT_PIPE)", UNKNOWN: "$(NOPE)" },
      command: ["sh", "-c", 'cat "$INPUT_PIPE" > $(MY-OUT_PIPE)'],
      args: ["$(INPUT_PIPE)", "$$(INPUT_PIPE)", "x$(B)y"],
      workingDir: "/work"
    })
    const spec = containerSpec(requestFor(Run.job(codespec)), options)
    assert.deepEqual(spec.Env, [
      "A=a",
      "B=a-b",
      "LIT=$(A)",
      // Kubernetes: an env value sees only the variables defined before it.
      "LATE=$(INPUT_PIPE)",
      "UNKNOWN=$(NOPE)",
      "INPUT_PIPE=/run/secrets/7/pipes/input.pipe",
      "MY-OUT_PIPE=/run/secrets/7/pipes/my-out.pipe"
    ])
    assert.deepEqual(spec.Entrypoint, ["sh", "-c", 'cat "$INPUT_PIPE" > /run/secrets/7/pipes/my-out.pipe'])
    assert.deepEqual(spec.Cmd, ["/run/secrets/7/pipes/input.pipe", "$(INPUT_PIPE)", "xa-by"])
    assert.equal(spec.WorkingDir, "/work")
    assert.equal(spec.Image, "busybox")
    assert.deepEqual(spec.HostConfig?.Binds, ["/data/runs/7/pipes:/run/secrets/7/pipes"])
    assert.deepEqual(spec.Labels, {
      "tyger-test": "1",
      "tyger-run": "7",
      "tyger-ts": "1",
      "tyger-ts-instance": "abc123",
      "tyger-run-container-name": "main"
    })
  })

  test("no command and no args: the image's entrypoint and CMD stay", () => {
    const spec = containerSpec(requestFor(Run.job(Codespec.job({ image: "busybox" }))), options)
    assert.equal(spec.Entrypoint, undefined)
    assert.equal(spec.Cmd, undefined)
    assert.deepEqual(spec.Env, [])
  })

  test("resources Tyger's Docker mode ignores are applied: cpu, memory, gpu, shm", () => {
    const codespec = Codespec.job({
      image: "busybox",
      resources: { requests: { cpu: "500m", memory: "64Mi" }, limits: { cpu: "1.5", memory: "1Gi" }, gpu: 2, shm: "256Mi" }
    })
    const spec = containerSpec(requestFor(Run.job(codespec)), options)
    assert.deepEqual(spec.HostConfig, {
      Binds: ["/data/runs/7/pipes:/run/secrets/7/pipes"],
      NanoCpus: 1_500_000_000,
      CpuShares: 512,
      Memory: 1024 ** 3,
      MemorySwap: 1024 ** 3,
      MemoryReservation: 64 * 1024 ** 2,
      DeviceRequests: [{ Driver: "nvidia", Count: 2, Capabilities: [["gpu"]] }],
      ShmSize: 256 * 1024 ** 2
    })
  })

  test("names and labels keep data directories sharing one engine apart", () => {
    assert.equal(Naming.mainContainerName("abc123", 7), "tyger-run-7-main-abc123")
    assert.notEqual(Naming.instanceOf("/tmp/a"), Naming.instanceOf("/tmp/b"))
    assert.equal(Naming.instanceOf("/tmp/a/../a"), Naming.instanceOf("/tmp/a"))
    assert.deepEqual(Naming.runFilter("abc123", 7), { label: ["tyger-run=7", "tyger-ts-instance=abc123"] })
  })

  test("Tyger's message for an image that is not on the engine; GPUs only with the NVIDIA runtime", () => {
    assert.equal(imageMissing("x/y:1"), "The image 'x/y:1' was not found on the system. Run `docker pull x/y:1` and try again.")
    assert.deepEqual([...capabilitiesOf({ ServerVersion: "20", Runtimes: { runc: {} } })], [])
    assert.deepEqual([...capabilitiesOf({ ServerVersion: "20", Runtimes: { runc: {}, nvidia: {} } })], ["Gpu"])
    assert.deepEqual([...capabilitiesOf(undefined)], [])
  })
})
