// Type tests: `tsc --noEmit -p .` (and Deno's checker) fail if a `@ts-expect-error` line below compiles, so every
// misuse here is proven to be a compile error. The misuses sit in functions that are never called (some would throw
// at run time); the runtime part only checks that the well-typed values are built.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import * as Codespec from "../../dsl/Codespec.ts"
import * as Derived from "../../dsl/Derived.ts"
import * as Run from "../../dsl/Run.ts"

const hello = Codespec.job({
  name: "hello",
  image: "ubuntu",
  buffers: { inputs: ["input"], outputs: ["output"] },
  command: ["bash", "-c", 'echo "Hello $(cat "$INPUT_PIPE")" > "$OUTPUT_PIPE"']
})
const consumer = Codespec.job({ name: "consumer", image: "ubuntu", buffers: { inputs: ["data"], outputs: ["report"] } })
const noBuffers = Codespec.job({ name: "no-buffers", image: "busybox", command: ["true"] })
const onlyInputs = Codespec.job({ name: "only-inputs", image: "busybox", buffers: { inputs: ["in"] } })
const grpcWorker = Codespec.worker({ name: "grpc-worker", image: "w", endpoints: { grpc: 50051, metrics: 9090 } })
const otherWorker = Codespec.worker({ name: "other-worker", image: "w", endpoints: { other: 1234 } })
const plainWorker = Codespec.worker({ name: "plain-worker", image: "w" })
const twinWorker = Codespec.worker({ name: "twin-worker", image: "w", endpoints: { grpc: 50052 } })

// ---------------------------------------------------------------------------------------------------------------
// Positive cases: these must compile.
const helloRun = Run.job(hello, { buffers: { input: "lopoahtz7chepdpmgvunuvtqke", output: "_" }, tags: { a: "b" } })
const helloDefaults = Run.job(hello)
const fed = Run.job(consumer, { buffers: { data: Run.output(helloRun, "output") } })
const bare = Run.job(noBuffers, { timeoutSeconds: 60 })
const bareEmpty = Run.job(noBuffers, { buffers: {} })
const distributed = Run.distributed({
  job: hello,
  worker: grpcWorker,
  replicas: 3,
  env: {
    WORKERS: Derived.addresses(grpcWorker.endpoints.grpc, { separator: "," }),
    METRICS: Derived.addresses(grpcWorker.endpoints.metrics),
    NODES: Derived.workerNodes()
  }
})
const distributedLong = Run.distributed({
  job: { codespec: hello, buffers: { input: "_" }, env: { W: Derived.addresses(grpcWorker.endpoints.grpc) } },
  worker: { codespec: grpcWorker, nodePool: "gpunp", replicas: 2 }
})
const distributedPlain = Run.distributed({ job: noBuffers, worker: plainWorker, env: { NODES: Derived.workerNodes() } })
const outputRef: Run.RunOutput = Run.output(distributed, "output")
const looseJob: Codespec.Job = hello
const looseRun = Run.job(looseJob, { buffers: { anything: "x" } })
const referenced = Run.untyped(Run.reference("hello/versions/2"), { buffers: { input: "x" } })
const restyled = Codespec.with(hello, { image: "ubuntu:24.04" })
const restyledRun = Run.job(restyled, { buffers: { input: "x" } })
const derivedJoin: Derived.Derived<"grpc"> = Derived.addresses(grpcWorker.endpoints.grpc, { separator: ";" })
const nodesAnywhere: Derived.Derived<"grpc"> = Derived.workerNodes()

// Names and quantities as Tyger and Kubernetes write them; names only known at run time are left to compile.
const someName: string = ["a", "b"].join("-")
const wellNamed = [
  Codespec.job({ name: "hello-2", image: "x", resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: 2 }, shm: "64Mi" } }),
  Codespec.job({ name: someName, image: "x" }),
  Codespec.worker({ name: `worker-${someName}`, image: "x" }),
  Run.job(hello, { name: someName, schedule: { cron: "30 2 * * *", timeZone: "Europe/Berlin" } }),
  Run.job(hello, { schedule: { cron: "@hourly" } })
]

// A fan-out: one run per item, typed by the runs' outputs.
const fanOut: Run.Each<"output"> = Run.each(["id1", "id2"], (id) => Run.job(hello, { buffers: { input: id } }), {
  name: "greetings",
  key: (id) => id,
  limit: 2
})

// The twin's own endpoint is fine with the twin as the worker.
const twinRun = Run.distributed({ job: hello, worker: twinWorker, env: { X: Derived.addresses(twinWorker.endpoints.grpc) } })

// Literal types are kept: the parameters and endpoints are known to the compiler.
const inputs: ReadonlyArray<"input"> = hello.inputs
const outputs: ReadonlyArray<"output"> = hello.outputs
const grpcRef: Codespec.EndpointRef<"grpc"> = grpcWorker.endpoints.grpc

// ---------------------------------------------------------------------------------------------------------------
// Misuses: each line must fail to compile.
const misuses = (): ReadonlyArray<unknown> => [
  // A buffer argument that is not one of the codespec's parameters.
  // @ts-expect-error 'inptu' is not a buffer parameter of hello
  Run.job(hello, { buffers: { inptu: "x" } }),
  // @ts-expect-error a codespec without buffer parameters takes no buffer arguments
  Run.job(noBuffers, { buffers: { input: "x" } }),
  // @ts-expect-error also through the long form of a distributed run's job
  Run.distributed({ job: { codespec: hello, buffers: { inptu: "x" } }, worker: grpcWorker }),
  // @ts-expect-error a buffer argument must be a buffer id or a run output
  Run.job(hello, { buffers: { input: 42 } }),

  // Workers take no buffers.
  // @ts-expect-error buffers on the worker target
  Run.distributed({ job: hello, worker: { codespec: grpcWorker, buffers: { input: "x" } } }),
  // @ts-expect-error a worker codespec has no buffer parameters
  Codespec.worker({ name: "w", image: "w", buffers: { inputs: ["a"] } }),
  // @ts-expect-error nor sockets
  Codespec.worker({ name: "w", image: "w", sockets: [{ port: 80 }] }),

  // Jobs have no endpoints.
  // @ts-expect-error endpoints on a job codespec
  Codespec.job({ name: "j", image: "j", endpoints: { grpc: 1 } }),

  // An endpoint the worker does not declare.
  // @ts-expect-error 'nope' is not an endpoint of otherWorker
  Derived.addresses(otherWorker.endpoints.nope),
  // @ts-expect-error a worker without endpoints has none to refer to
  Derived.addresses(plainWorker.endpoints.grpc),

  // A value derived from another worker's endpoint (Derived<"other">) in a run whose worker has only grpc/metrics.
  // @ts-expect-error Derived<"other"> is not a Derived<"grpc" | "metrics">
  Run.distributed({ job: hello, worker: grpcWorker, env: { X: Derived.addresses(otherWorker.endpoints.other) } }),
  // @ts-expect-error same in the job's own env
  Run.distributed({ job: { codespec: hello, env: { X: Derived.addresses(otherWorker.endpoints.other) } }, worker: grpcWorker }),
  // @ts-expect-error and with a worker that has no endpoints at all
  Run.distributed({ job: hello, worker: plainWorker, env: { X: Derived.addresses(otherWorker.endpoints.other) } }),
  // Another named worker's endpoint of the same name: the endpoint is the twin's, not the run's worker's.
  // @ts-expect-error Derived<"grpc", "twin-worker"> is not a Derived<"grpc", "grpc-worker">
  Run.distributed({ job: hello, worker: grpcWorker, env: { X: Derived.addresses(twinWorker.endpoints.grpc) } }),
  // @ts-expect-error same in the job's own env
  Run.distributed({ job: { codespec: hello, env: { X: Derived.addresses(twinWorker.endpoints.grpc) } }, worker: grpcWorker }),
  // @ts-expect-error derived env values need a distributed run
  Run.job(hello, { env: { X: Derived.workerNodes() } }),

  // Run.output names an output of the producing run.
  // @ts-expect-error 'notAnOutput' is not an output of helloRun
  Run.output(helloRun, "notAnOutput"),
  // @ts-expect-error an input is not an output
  Run.output(helloRun, "input"),
  // @ts-expect-error a run of a codespec with only inputs has no outputs
  Run.output(Run.job(onlyInputs), "in"),

  // Kinds.
  // @ts-expect-error a worker codespec cannot be the job of a run
  Run.job(grpcWorker),
  // @ts-expect-error nor the job of a distributed run
  Run.distributed({ job: grpcWorker, worker: otherWorker }),
  // @ts-expect-error and a job codespec cannot be the worker
  Run.distributed({ job: hello, worker: consumer }),
  // @ts-expect-error a codespec read from a file has no static kind: use Run.untyped
  Run.job(Codespec.fromSpec({ image: "x" })),

  // Names, quantities and cron expressions that cannot be right, whatever else is written.
  // @ts-expect-error Tyger's names are lower case
  Codespec.job({ name: "Hello", image: "x" }),
  // @ts-expect-error and have no spaces or underscores ('-' between words)
  Codespec.worker({ name: "my worker", image: "x" }),
  // @ts-expect-error a run's name too
  Run.job(hello, { name: "Greet_Paul" }),
  // @ts-expect-error and a distributed run's
  Run.distributed({ name: "DAPHNE", job: hello, worker: grpcWorker }),
  // @ts-expect-error "1Gb" is not a Kubernetes quantity (1G or 1Gi)
  Codespec.job({ image: "x", resources: { requests: { memory: "1Gb" } } }),
  // @ts-expect-error nor is "2 cores" (2, or 2000m)
  Codespec.job({ image: "x", resources: { limits: { cpu: "2 cores" } } }),
  // @ts-expect-error a cron expression has five fields
  Run.job(hello, { schedule: { cron: "* * * *" } }),
  // @ts-expect-error and a shorthand takes no time of day
  Run.job(hello, { schedule: { cron: "@daily 3am" } }),

  // Fan-out.
  // @ts-expect-error the runs' common name is a name too
  Run.each(["a"], () => helloRun, { name: "Sums" }),
  // @ts-expect-error the limit is `limit`
  Run.each(["a"], () => helloRun, { concurrency: 2 }),
  // @ts-expect-error each item's run is a run
  Run.each(["a"], (id) => id),
  // @ts-expect-error a fan-out's outputs are its runs' outputs: hello has "output", not "report"
  ((fanOut: Run.Each<"report">) => fanOut)(Run.each(["a"], () => helloRun)),

  // Required fields.
  // @ts-expect-error the image is required
  Codespec.job({ name: "no-image" }),
  // @ts-expect-error ports are numbers
  Codespec.worker({ name: "w", image: "w", endpoints: { grpc: "50051" } })
]

describe("DSL types", () => {
  test("the misuses are only type-checked, never run", () => {
    assert.equal(typeof misuses, "function")
  })

  test("well-typed runs are built", () => {
    assert.deepEqual(fanOut.runs.map((r) => r.key), ["id1", "id2"])
    assert.ok(Run.isRun(helloRun))
    assert.ok(Run.isRun(twinRun))
    assert.deepEqual(wellNamed.map((v) => v.name), ["hello-2", "a-b", "worker-a-b", "a-b", undefined])
    assert.deepEqual(helloRun.job.buffers, { input: "lopoahtz7chepdpmgvunuvtqke", output: "_" })
    assert.deepEqual(helloDefaults.job.buffers, {})
    assert.deepEqual(bare.job.buffers, {})
    assert.deepEqual(bareEmpty.job.buffers, {})
    assert.equal(bare.timeoutSeconds, 60)
    const fedArgument = fed.job.buffers["data"]
    assert.ok(typeof fedArgument === "object" && fedArgument._tag === "RunOutput")
    assert.equal(fedArgument.run, helloRun)
    assert.equal(fedArgument.parameter, "output")
    assert.equal(outputRef.run, distributed)
    assert.deepEqual(looseRun.job.buffers, { anything: "x" })
    assert.ok(Run.isReference(referenced.job.codespec))
    assert.deepEqual(restyledRun.job.buffers, { input: "x" })
  })

  test("distributed runs carry the worker and the derived env", () => {
    assert.equal(distributed.worker?.codespec, grpcWorker)
    assert.equal(distributed.worker?.replicas, 3)
    assert.deepEqual(Object.keys(distributed.job.env), ["WORKERS", "METRICS", "NODES"])
    assert.deepEqual(distributed.job.env["WORKERS"], {
      _tag: "Derived",
      source: { kind: "endpointAddresses", endpoint: "grpc", codespec: "grpc-worker" },
      format: { kind: "join", separator: "," }
    })
    assert.deepEqual(distributed.job.env["NODES"], { _tag: "Derived", source: { kind: "workerNodes" }, format: { kind: "json" } })
    assert.equal(distributedLong.worker?.nodePool, "gpunp")
    assert.equal(distributedLong.worker?.replicas, 2)
    assert.deepEqual(distributedLong.job.buffers, { input: "_" })
    assert.deepEqual(Object.keys(distributedLong.job.env), ["W"])
    assert.equal(distributedPlain.worker?.codespec, plainWorker)
  })

  test("codespecs keep their parameters and endpoints", () => {
    assert.deepEqual(inputs, ["input"])
    assert.deepEqual(outputs, ["output"])
    assert.deepEqual(grpcRef, { _tag: "EndpointRef", codespec: "grpc-worker", endpoint: "grpc", port: 50051 })
    assert.deepEqual(plainWorker.endpoints, {})
    assert.equal(restyled.spec.image, "ubuntu:24.04")
    assert.equal(hello.spec.image, "ubuntu")
    assert.deepEqual(derivedJoin.format, { kind: "join", separator: ";" })
    assert.deepEqual(nodesAnywhere.source, { kind: "workerNodes" })
  })

  test("builders copy their inputs: later mutation of the caller's objects changes nothing", () => {
    const env: Record<string, string> = { A: "1" }
    const args = ["x"]
    const built = Codespec.job({ name: "copy", image: "i", env, args })
    env["A"] = "2"
    args.push("y")
    assert.deepEqual(built.spec.env, { A: "1" })
    assert.deepEqual(built.spec.args, ["x"])
    const tags: Record<string, string> = { a: "1" }
    const run = Run.job(hello, { tags })
    tags["a"] = "2"
    assert.deepEqual(run.tags, { a: "1" })
  })
})
