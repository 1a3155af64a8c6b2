// The main container a run becomes (pure: no engine needed), and Tyger's message for a missing image.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Effect } from "effect"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Run from "../../../dsl/Run.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import * as Compile from "../../../engine/plan/Compile.ts"
import type { RunRequest } from "../../../engine/runs/Provider.ts"
import * as Library from "../../../dsl/library/index.ts"
import { containerSpec, imageMissing } from "../../../providers/docker/DockerRunCreator.ts"
import * as DockerWorkers from "../../../providers/docker/DockerWorkers.ts"
import * as Naming from "../../../providers/docker/internal/Naming.ts"

const requestFor = (run: Run.Any, runId = 7): RunRequest => {
  const plan = Effect.runSync(Compile.compile(Workflow.make({ runs: { r: run } })))
  return { runId, plan, run: plan.runs[0]!, buffers: { input: "in-id", output: "out-id" }, pull: false }
}

/** The job container's env as a map (the order is checked where it matters). */
const envOf = (spec: { readonly Env?: ReadonlyArray<string> }): Record<string, string> =>
  Object.fromEntries((spec.Env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]))

const distributed = (run: Run.Any, runId = 7) => {
  const request = requestFor(run, runId)
  const topology = DockerWorkers.topologyOf(request)
  const network = Naming.networkName(options.instance, runId)
  return { request, topology, network, job: containerSpec(request, options, { replica: 0, workers: { network, topology } }) }
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

  test("Tyger's message for an image that is not on the engine", () => {
    assert.equal(imageMissing("x/y:1"), "The image 'x/y:1' was not found on the system. Run `docker pull x/y:1` and try again.")
  })
})

describe("DockerWorkers: a distributed run's containers", () => {
  test("DAPHNE (library): the coordinator is told every worker, as JSON and as DISTRIBUTED_WORKERS=host:port,...", () => {
    const { job, network, request } = distributed(Library.Daphne.daphne)
    const env = envOf(job)
    const hosts = ["run-7-worker-0", "run-7-worker-1", "run-7-worker-2"]
    assert.equal(env["TYGER_WORKER_NODES"], JSON.stringify(hosts))
    assert.equal(env["TYGER_GRPC_WORKER_ENDPOINT_ADDRESSES"], JSON.stringify(hosts.map((h) => `${h}:50051`)))
    assert.equal(env["DISTRIBUTED_WORKERS"], hosts.map((h) => `${h}:50051`).join(","))
    // The pipes come before the workers' variables, as on Kubernetes.
    const names = (job.Env ?? []).map((e) => e.slice(0, e.indexOf("=")))
    assert.ok(names.indexOf("SCRIPT_PIPE") < names.indexOf("TYGER_WORKER_NODES"))
    assert.equal(network, "tyger-run-7-abc123")
    assert.equal(job.HostConfig?.NetworkMode, network)
    assert.equal(job.Hostname, "run-7-job-0")
    assert.equal(job.Labels?.["tyger-run-container-name"], "job")

    const worker = DockerWorkers.workerSpec(request, options, 2)
    assert.equal(worker.Image, "daphneeu/daphne:latest")
    assert.deepEqual(worker.Entrypoint, ["/daphne/bin/DistributedWorker"])
    assert.deepEqual(worker.Cmd, ["0.0.0.0:50051"])
    assert.equal(worker.Hostname, "run-7-worker-2")
    assert.deepEqual(worker.NetworkingConfig, { EndpointsConfig: { [network]: { Aliases: ["run-7-worker-2"] } } })
    // Workers serve until the job ends (a StatefulSet's restartPolicy: Always); no pipes, limits applied.
    assert.deepEqual(worker.HostConfig, {
      NetworkMode: network,
      RestartPolicy: { Name: "always" },
      CpuShares: 2048,
      Memory: 4 * 1024 ** 3,
      MemorySwap: 4 * 1024 ** 3,
      MemoryReservation: 4 * 1024 ** 3
    })
    assert.deepEqual(worker.Labels, {
      "tyger-test": "1",
      "tyger-run": "7",
      "tyger-ts": "1",
      "tyger-ts-instance": "abc123",
      "tyger-run-container-name": "worker-2",
      "tyger-worker": "7"
    })
  })

  test("Tyger's distributed gadgetron: per-endpoint JSON arrays and the derived list, five workers", () => {
    const { job } = distributed(Library.Gadgetron.distributedRun, 12)
    const env = envOf(job)
    const addresses = Array.from({ length: 5 }, (_, i) => `run-12-worker-${i}:9002`)
    assert.equal(env["TYGER_GADGETRON_WORKER_ENDPOINT_ADDRESSES"], JSON.stringify(addresses))
    assert.equal(env["GADGETRON_WORKER_ADDRESSES"], JSON.stringify(addresses))
    assert.equal(env["GADGETRON_REMOTE_WORKER_COMMAND"], "printenv TYGER_GADGETRON_WORKER_ENDPOINT_ADDRESSES")
  })

  test("log roles: no prefix for a lone job; job/worker without an index for a side of one", () => {
    assert.equal(Naming.roleOf("job", 0, { job: 1, worker: 0 }), "main")
    assert.equal(Naming.roleOf("job", 0, { job: 1, worker: 1 }), "job")
    assert.equal(Naming.roleOf("worker", 0, { job: 1, worker: 1 }), "worker")
    assert.equal(Naming.roleOf("worker", 3, { job: 1, worker: 4 }), "worker-3")
    assert.equal(Naming.roleOf("job", 1, { job: 2, worker: 0 }), "job-1")
  })

  test("job replicas: each has its own pipes directory and container", () => {
    const request = requestFor(Run.job(Codespec.job({ image: "busybox", buffers: { inputs: ["input"] } }), { replicas: 3 }))
    const second = containerSpec(request, options, { replica: 1 })
    assert.deepEqual(second.HostConfig?.Binds, ["/data/runs/7/pipes-1:/run/secrets/7/pipes"])
    assert.equal(second.Labels?.["tyger-run-container-name"], "job-1")
    assert.equal(second.Hostname, undefined)
    assert.equal(Naming.jobContainerName("abc123", 7, 1, 3), "tyger-run-7-job-1-abc123")
    assert.equal(Naming.jobContainerName("abc123", 7, 0, 1), "tyger-run-7-main-abc123")
  })
})
