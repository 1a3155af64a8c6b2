// Workflow → Plan (engine/plan/Compile.ts): golden plans of the codespec library, every problem of a broken workflow in
// one PlanCompileError, provider capabilities, named references through a CodespecCatalog, content identity and
// run ordering.
//
// The CodespecCatalog here is a Map behind a Layer: it checks the compiler's orchestration (what it asks, what it does
// with the answers), not a store; the Store-backed catalog has its own tests.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { NodeFileSystem } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import * as Codespec from "../../../dsl/Codespec.ts"
import type * as CodespecDocument from "../../../model/CodespecDocument.ts"
import * as Derived from "../../../dsl/Derived.ts"
import * as Library from "../../../dsl/library/index.ts"
import * as Run from "../../../dsl/Run.ts"
import * as FileDocuments from "../../../engine/files/FileDocuments.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import { CodespecCatalog, CodespecNotFound } from "../../../engine/codespecs/CodespecCatalog.ts"
import * as Compile from "../../../engine/plan/Compile.ts"
import * as Plan from "../../../engine/plan/Plan.ts"
import { PlanCompileError, type Problem } from "../../../engine/plan/PlanCompileError.ts"
import * as YamlFiles from "../../../engine/files/YamlFiles.ts"
import { fixturePath } from "../../fixtures/Fixtures.ts"
import { compileGolden, goldenNames, readGolden } from "./GoldenPlans.ts"

// ---------------------------------------------------------------------------------------------------------------
// Helpers

type Catalog = Layer.Layer<CodespecCatalog>

const compile = (workflow: Workflow.Workflow, options?: Compile.CompileOptions, catalog?: Catalog): Promise<Plan.Plan> => {
  const effect = Compile.compile(workflow, options)
  return Effect.runPromise(catalog === undefined ? effect : Effect.provide(effect, catalog))
}

/**
 * The error with its problems' locations left out: they name lines of this file, which edits move; the locations
 * have their own tests (test/engine/plan/Problems.test.ts, test/cli/plan/mistakes.test.ts).
 */
const compileError = async (workflow: Workflow.Workflow, options?: Compile.CompileOptions, catalog?: Catalog): Promise<PlanCompileError> => {
  const effect = Effect.flip(Compile.compile(workflow, options))
  const error = await Effect.runPromise(catalog === undefined ? effect : Effect.provide(effect, catalog))
  const problems = error.problems.map(({ location: _l, subject: _s, detail: _d, ...problem }) => problem)
  return new PlanCompileError({ reason: error.reason, problems })
}

const spec = (document: unknown): CodespecDocument.Spec => {
  const decoded = FileDocuments.decodeCodespec(document)
  assert.deepEqual(decoded.problems, [])
  assert.ok(decoded.value !== undefined)
  return decoded.value
}

/** A catalog over `name → [version 1, version 2, ...]`, answering as Tyger's server does. */
const catalogOf = (entries: { readonly [name: string]: ReadonlyArray<unknown> }, asked: Array<string> = []): Catalog =>
  Layer.succeed(CodespecCatalog, {
    resolve: (name, version) => {
      asked.push(version === undefined ? name : `${name}/versions/${version}`)
      const versions = Object.hasOwn(entries, name) ? entries[name] ?? [] : []
      if (versions.length === 0) return Effect.fail(new CodespecNotFound({ name }))
      const latest = versions.length
      const wanted = version ?? latest
      const document = versions[wanted - 1]
      if (document === undefined) {
        return Effect.fail(version === undefined ? new CodespecNotFound({ name }) : new CodespecNotFound({ name, version, latest }))
      }
      return Effect.succeed({
        name,
        version: wanted,
        createdAt: `2024-01-0${wanted}T00:00:00Z`,
        spec: spec({ ...(document as object), name, version: wanted })
      })
    }
  })

const codespecOfRun = (plan: Plan.Plan, runName: string, target: "job" | "worker" = "job"): Plan.Codespec => {
  const run = plan.runs.find((r) => r.name === runName)
  assert.ok(run !== undefined, `no run '${runName}'`)
  const id = target === "job" ? run.job.codespec : run.worker?.codespec
  const codespec = plan.codespecs.find((c) => c.id === id)
  assert.ok(codespec !== undefined)
  return codespec
}

const hello = Codespec.job({
  name: "hello",
  image: "ubuntu",
  buffers: { inputs: ["input"], outputs: ["output"] },
  command: ["bash", "-c", 'echo "Hello $(cat "$INPUT_PIPE")" > "$OUTPUT_PIPE"']
})
const grpcWorker = Codespec.worker({ name: "grpc-worker", image: "w", endpoints: { grpc: 50051 } })

// ---------------------------------------------------------------------------------------------------------------

describe("golden plans of the library", () => {
  for (const name of goldenNames) {
    test(`${name}.plan.json (regenerate with: node_modules/.bin/node scripts/update-golden.ts ${name})`, async () => {
      assert.equal(await compileGolden(name), readGolden(name))
    })
  }

  test("every library module has a golden plan", () => {
    assert.deepEqual([...goldenNames].sort(), Object.keys(Library).map((m) => m.toLowerCase()).sort())
  })

  test("compiling twice gives identical JSON", async () => {
    for (const module of [Library.Gadgetron, Library.Daphne]) {
      const first = Plan.toJsonString(await compile(Workflow.fromModule(module)))
      const second = Plan.toJsonString(await compile(Workflow.fromModule(module)))
      assert.equal(first, second)
    }
  })

  test("compiling the whole library at once", async () => {
    const plan = await compile(Workflow.fromModule(Library))
    assert.deepEqual(plan.runs.map((r) => r.name), [
      "daphne",
      "negate",
      "gadgetron-basic",
      "gadgetron-distributed",
      "gadgetron-noise",
      "gadgetron-snr",
      "hello",
      "nightly-hello"
    ])
    // hello is used by two runs (hello, nightly-hello) and published once.
    assert.equal(plan.codespecs.filter((c) => c.name === "hello").length, 1)
    assert.equal(codespecOfRun(plan, "hello").id, codespecOfRun(plan, "nightly-hello").id)
  })

  test("what each library run requires", async () => {
    const plan = await compile(Workflow.fromModule(Library))
    const requires = Object.fromEntries(plan.runs.map((r) => [r.name, r.requires]))
    assert.deepEqual(requires, {
      daphne: ["DistributedRuns"],
      negate: [],
      "gadgetron-basic": [],
      "gadgetron-distributed": ["DistributedRuns"],
      "gadgetron-noise": [],
      "gadgetron-snr": [],
      hello: [],
      "nightly-hello": ["Schedules"]
    })
  })
})

describe("a broken workflow reports every problem at once", () => {
  // @ts-expect-error the name fails to compile too; compile must still report it with the rest, for plain JavaScript
  const broken = Codespec.job({ name: "Broken", image: "", buffers: { inputs: ["IN"] } })
  const distributed = Run.distributed({ job: hello, worker: grpcWorker, env: { W: Derived.addresses(grpcWorker.endpoints.grpc) } })
  // A derived env value on a run without workers cannot be written with the typed builders; a copy without the worker
  // stands for what an untyped caller could hand in.
  const derivedWithoutWorkers: Run.Any = { ...distributed, name: "derived", worker: undefined }
  // A cycle cannot be built with immutable values either: the second run's output is patched in afterwards.
  const ping = Run.job(hello, { name: "ping" })
  const pong = Run.job(hello, { name: "pong", buffers: { input: Run.output(ping, "output") } })
  ;(ping.job.buffers as { [parameter: string]: Run.BufferArgument })["input"] = Run.output(pong, "output")
  const manyTags = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`t${i}`, "v"]))

  const workflow = Workflow.make({
    runs: {
      unknownBuffer: Run.untyped(hello, { name: "unknown-buffer", buffers: { x: "lopoahtz7chepdpmgvunuvtqke" } }),
      invalidCodespec: Run.job(broken, { name: "invalid-codespec" }),
      derivedWithoutWorkers,
      twin1: Run.job(hello, { name: "twin" }),
      twin2: Run.job(hello, { name: "twin" }),
      ping,
      pong,
      cron: Run.job(hello, { name: "cron", schedule: { cron: "61 * * * *", timeZone: "Mars/Olympus_Mons" } }),
      shortTtl: Run.job(hello, { name: "short-ttl", bufferAccessTtl: "00:00:10" }),
      longTtl: Run.job(hello, { name: "long-ttl", bufferAccessTtl: "02:00:00" }),
      tags: Run.job(hello, { name: "tags", tags: { "bad key!": "ok", ok: "bad value!" }, bufferTags: manyTags })
    }
  })

  const expected: ReadonlyArray<Problem> = [
    {
      reason: "UnknownBuffer",
      path: "runs.unknown-buffer.job.buffers.x",
      message: "Buffer argument 'x' does not correspond to a buffer parameter on the codespec",
      hint: "its parameters are 'input' and 'output'"
    },
    {
      reason: "InvalidCodespec",
      path: "runs.invalid-codespec.job.codespec.name",
      message: "codespec names must contain only lower case letters (a-z), numbers (0-9), dashes (-), underscores (_), and dots (.)"
    },
    { reason: "InvalidCodespec", path: "runs.invalid-codespec.job.codespec.image", message: "The image field is required." },
    {
      reason: "InvalidCodespec",
      path: "runs.invalid-codespec.job.codespec.buffers.inputs[0]",
      message:
        "The name of buffer 'IN' is invalid. Buffer names must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character."
    },
    {
      reason: "InvalidRun",
      path: "runs.derived.job.env.W",
      message: "values derived from workers need a run with workers (Run.distributed)"
    },
    { reason: "DuplicateName", path: "runs.twin", message: "two runs are named 'twin'" },
    { reason: "InvalidRun", path: "runs.cron.schedule.cron", message: "the minute field is 61, but minutes run from 0 to 59" },
    {
      reason: "InvalidRun",
      path: "runs.cron.schedule.timeZone",
      message: "unknown time zone 'Mars/Olympus_Mons'",
      hint: "use an IANA zone such as 'Europe/Paris' or 'UTC'"
    },
    { reason: "InvalidRun", path: "runs.short-ttl.bufferAccessTtl", message: "Access TTL must be at least 30 seconds." },
    { reason: "InvalidRun", path: "runs.long-ttl.bufferAccessTtl", message: "Access TTL must be less than or equal to 01:00:00." },
    {
      reason: "InvalidRun",
      path: 'runs.tags.tags."bad key!"',
      message: "Tag keys must contain up to 128 letters (a-z, A-Z), numbers (0-9) and underscores (_)"
    },
    {
      reason: "InvalidRun",
      path: "runs.tags.tags.ok",
      message: "Tag values can contain up to 256 letters (a-z, A-Z), numbers (0-9) and underscores (_)"
    },
    { reason: "InvalidRun", path: "runs.tags.job.bufferTags", message: "No more than 100 tags can be set on a buffer" },
    { reason: "ReferenceCycle", path: "runs.ping", message: "runs ping → pong → ping depend on each other in a cycle" }
  ]

  test("one PlanCompileError with every problem, its path and its reason", async () => {
    const error = await compileError(workflow)
    assert.equal(error._tag, "PlanCompileError")
    assert.deepEqual(error.problems, expected)
    // The error's reason is the first problem's.
    assert.equal(error.reason, "UnknownBuffer")
  })

  test("the message lists every problem, one per line", async () => {
    const error = await compileError(workflow)
    assert.equal(error.message, expected.map((p) => `${p.path}: ${p.message}${p.hint === undefined ? "" : `; ${p.hint}`}`).join("\n"))
  })

  test("each problem alone", async () => {
    for (const [key, run] of workflow.runs.map((r) => [r.key, r.run] as const)) {
      if (key === "ping" || key === "pong" || key === "twin1" || key === "twin2") continue
      const error = await compileError(Workflow.make({ runs: { [key]: run } }))
      const name = run.name ?? key
      assert.deepEqual(error.problems, expected.filter((p) => p.path.startsWith(`runs.${name}.`)), key)
    }
  })

  test("more problems of the same kind", async () => {
    const error = await compileError(Workflow.make({
      runs: [
        // @ts-expect-error fails to compile too; compile must still report it, for plain JavaScript
        Run.job(hello, { name: "four-fields", schedule: { cron: "* * * *" } }),
        Run.job(hello, { name: "bad-ttl", bufferAccessTtl: "soon" }),
        Run.job(hello, { name: "bad-buffer-ttl", bufferTtl: "a week" }),
        Run.job(hello, { name: "zero", timeoutSeconds: 0, replicas: 0, schedule: { cron: "@daily", startingDeadlineSeconds: -1 } }),
        // @ts-expect-error fails to compile too; compile must still report it, for plain JavaScript
        Run.job(hello, { name: "Bad_Name" }),
        Run.job(hello, { name: "bad-id", buffers: { input: "no spaces allowed" } }),
        Run.untyped(hello, { name: "case", buffers: { INPUT: "abc", Output: "def", extra: "ghi" } })
      ]
    }))
    assert.deepEqual(error.problems, [
      {
        reason: "InvalidRun",
        path: "runs.four-fields.schedule.cron",
        message: "'* * * *' has 4 fields, but a cron expression has five fields (minute hour day-of-month month day-of-week), e.g. '0 3 * * *' for 3am every day"
      },
      { reason: "InvalidRun", path: "runs.bad-ttl.bufferAccessTtl", message: "'soon' is not a valid TimeSpan ([d.]hh:mm:ss)" },
      { reason: "InvalidRun", path: "runs.bad-buffer-ttl.job.bufferTtl", message: "'a week' is not a valid TimeSpan ([d.]hh:mm:ss)" },
      { reason: "InvalidRun", path: "runs.zero.job.replicas", message: "replicas must be a whole number of at least 1" },
      { reason: "InvalidRun", path: "runs.zero.timeoutSeconds", message: "timeoutSeconds must be a whole number of at least 1" },
      {
        reason: "InvalidRun",
        path: "runs.zero.schedule.startingDeadlineSeconds",
        message: "startingDeadlineSeconds must be a positive whole number"
      },
      {
        reason: "InvalidRun",
        path: "runs.Bad_Name",
        message:
          "run names must consist of lower case alphanumeric characters or '-', start and end with an alphanumeric character, and be at most 52 characters"
      },
      { reason: "UnknownBuffer", path: "runs.bad-id.job.buffers.input", message: "The buffer 'no spaces allowed' was not found" },
      {
        reason: "UnknownBuffer",
        path: "runs.case.job.buffers.extra",
        message: "Buffer argument 'extra' does not correspond to a buffer parameter on the codespec",
        hint: "its parameters are 'input' and 'output'"
      }
    ])
  })

  test("buffer arguments match parameters case-insensitively", async () => {
    const plan = await compile(Workflow.make({ runs: [Run.untyped(hello, { name: "case", buffers: { INPUT: "abc", Output: "_" } })] }))
    assert.deepEqual(plan.runs[0]?.job.buffers, { input: { kind: "buffer", id: "abc" }, output: { kind: "ephemeral" } })
  })

  test("a run whose producer is not part of the workflow", async () => {
    const producer = Run.job(hello, { name: "producer" })
    const consumer = Run.job(hello, { name: "consumer", buffers: { input: Run.output(producer, "output") } })
    const error = await compileError(Workflow.make({ runs: [consumer] }))
    assert.deepEqual(error.problems, [{
      reason: "UnknownBuffer",
      path: "runs.consumer.job.buffers.input",
      message: "the run that produces this buffer is not part of the workflow",
      hint: "export it from the workflow module"
    }])
  })

  test("another run's output feeds only inputs and must be one of its outputs", async () => {
    const producer = Run.job(hello, { name: "producer" })
    const consumer = Run.untyped(hello, {
      name: "consumer",
      buffers: { input: Run.output(producer, "input" as never), output: Run.output(producer, "output") }
    })
    const error = await compileError(Workflow.make({ runs: [producer, consumer] }))
    assert.deepEqual(error.problems, [
      {
        reason: "UnknownBuffer",
        path: "runs.consumer.job.buffers.input",
        message: "run 'producer' has no output parameter 'input'",
        hint: "its outputs are 'output'"
      },
      { reason: "UnknownBuffer", path: "runs.consumer.job.buffers.output", message: "another run's output can only feed an input parameter" }
    ])
  })

  test("derived env: an endpoint of another worker codespec with the same endpoint name", async () => {
    // The types refuse an endpoint of another named worker too (test/dsl/types.test.ts); compile must all the same, for
    // plain JavaScript and for workers without names, which the types cannot tell apart.
    const lookAlike = Codespec.worker({ name: "look-alike", image: "w", endpoints: { grpc: 1 } })
    // @ts-expect-error Derived<"grpc", "look-alike"> is not a Derived<"grpc", "grpc-worker">
    const run = Run.distributed({ name: "mixed", job: hello, worker: grpcWorker, env: { W: Derived.addresses(lookAlike.endpoints.grpc), "1BAD": Derived.workerNodes() } })
    const error = await compileError(Workflow.make({ runs: [run] }))
    assert.deepEqual(error.problems, [
      {
        reason: "InvalidRun",
        path: "runs.mixed.job.env.W",
        message: "the endpoint 'grpc' belongs to codespec 'look-alike', not to this run's worker codespec 'grpc-worker'",
        hint: "use the worker's own endpoints ('grpc')"
      },
      { reason: "InvalidRun", path: "runs.mixed.job.env.1BAD", message: "'1BAD' is not a valid environment variable name" }
    ])
  })

  test("an invalid codespec used by two runs is reported once", async () => {
    const error = await compileError(Workflow.make({ runs: [Run.job(broken, { name: "a" }), Run.job(broken, { name: "b" })] }))
    assert.deepEqual(error.problems.map((p) => p.path), [
      "runs.a.job.codespec.name",
      "runs.a.job.codespec.image",
      "runs.a.job.codespec.buffers.inputs[0]"
    ])
  })

  test("a worker codespec as the job, a job codespec as the worker", async () => {
    const error = await compileError(Workflow.make({
      runs: [Run.untyped(grpcWorker, { name: "swapped", worker: { codespec: hello } })]
    }))
    assert.deepEqual(error.problems, [
      {
        reason: "InvalidCodespec",
        path: "runs.swapped.job.codespec.kind",
        message: "the job target needs a job codespec, but the codespec is a worker codespec"
      },
      {
        reason: "InvalidCodespec",
        path: "runs.swapped.worker.codespec.kind",
        message: "the worker target needs a worker codespec, but the codespec is a job codespec"
      }
    ])
  })

  test("an undecodable codespec reports the decoder's problems at the codespec's path", async () => {
    const bad = Codespec.fromSpec({ image: "x", foo: 1 } as unknown as CodespecDocument.Encoded)
    const error = await compileError(Workflow.make({ runs: [Run.untyped(bad, { name: "undecodable" })] }))
    assert.deepEqual(error.problems, [
      { reason: "InvalidCodespec", path: "runs.undecodable.job.codespec.foo", message: "unknown field 'foo'" }
    ])
  })

  test("published codespecs are validated even when no run uses them", async () => {
    const error = await compileError(Workflow.make({ codespecs: [Codespec.job({ name: "lonely", image: "" })] }))
    assert.deepEqual(error.problems, [
      { reason: "InvalidCodespec", path: "codespecs.lonely.image", message: "The image field is required." }
    ])
  })
})

describe("capabilities", () => {
  const ALL: ReadonlyArray<Plan.Capability> = [
    "DistributedRuns", "Gpu", "Sockets", "EphemeralBuffers", "NodePools", "Identities", "Schedules", "JobReplicas",
    "ScheduledDistributedRuns"
  ]
  const without = (...missing: ReadonlyArray<Plan.Capability>) => new Set(ALL.filter((c) => !missing.includes(c)))

  test("a provider without DistributedRuns refuses a distributed run: reason Unsupported", async () => {
    const error = await compileError(Workflow.fromModule(Library.Daphne), { capabilities: without("DistributedRuns"), provider: "docker" })
    assert.equal(error.reason, "Unsupported")
    assert.deepEqual(error.problems, [
      { reason: "Unsupported", path: "runs.daphne", message: "the docker provider does not support distributed runs (workers)" }
    ])
  })

  test("job replicas with an output buffer can never succeed (one writer per buffer): refused for every provider", async () => {
    const job = Codespec.job({ image: "busybox", buffers: { inputs: ["in"], outputs: ["out", "log"] } })
    const error = await compileError(Workflow.make({ runs: { fan: Run.job(job, { replicas: 2 }) } }))
    assert.deepEqual(error.problems, [{
      reason: "InvalidRun",
      path: "runs.fan.job.replicas",
      message: "a job with 2 replicas cannot have output buffers (out, log): a buffer has exactly one writer"
    }])
    // Inputs only: every replica reads every input.
    const inputsOnly = Codespec.job({ image: "busybox", buffers: { inputs: ["in"] } })
    const plan = await Effect.runPromise(Compile.compile(Workflow.make({ runs: { fan: Run.job(inputsOnly, { replicas: 2 }) } })))
    assert.deepEqual(plan.runs[0]?.requires, ["JobReplicas"])
  })

  test("ephemeral buffers: Tyger's own refusal on Kubernetes; one reader or writer, so no job replicas", async () => {
    const inputsOnly = Codespec.job({ image: "busybox", buffers: { inputs: ["in"] } })
    const refused = await compileError(Workflow.make({ runs: { stream: Run.job(inputsOnly, { buffers: { in: "_" } }) } }), {
      capabilities: without("EphemeralBuffers"),
      provider: "kubernetes"
    })
    const error = (e: PlanCompileError) => e.problems.map(({ reason, path, message }) => ({ reason, path, message }))
    assert.deepEqual(error(refused), [{ reason: "Unsupported", path: "runs.stream", message: "Ephemeral buffers are not supported." }])
    const replicated = await compileError(Workflow.make({ runs: { fan: Run.job(inputsOnly, { buffers: { in: "_" }, replicas: 2 }) } }))
    assert.deepEqual(error(replicated), [{
      reason: "InvalidRun",
      path: "runs.fan.job.replicas",
      message: "a job with 2 replicas cannot use ephemeral buffers ('_'): each is read or written once"
    }])
  })

  test("a schedule with workers needs ScheduledDistributedRuns; said once when schedules or workers are missing anyway", async () => {
    const job = Codespec.job({ name: "job", image: "busybox" })
    const scheduled = (worker: boolean) => Workflow.make({
      runs: [worker
        ? Run.distributed({ name: "nightly-workers", job, worker: grpcWorker, schedule: { cron: "0 3 * * *" } })
        : Run.job(job, { name: "nightly-workers", schedule: { cron: "0 3 * * *" } })]
    })
    assert.deepEqual((await compile(scheduled(true))).runs[0]?.requires, ["DistributedRuns", "ScheduledDistributedRuns", "Schedules"])
    assert.deepEqual((await compile(scheduled(false))).runs[0]?.requires, ["Schedules"])
    const refused = await compileError(scheduled(true), { capabilities: without("ScheduledDistributedRuns"), provider: "kubernetes" })
    assert.deepEqual(refused.problems, [{
      reason: "Unsupported",
      path: "runs.nightly-workers",
      message: "the kubernetes provider does not support distributed runs (workers) on a schedule"
    }])
    for (const missing of ["Schedules", "DistributedRuns"] as const) {
      const error = await compileError(scheduled(true), { capabilities: without(missing, "ScheduledDistributedRuns"), provider: "docker" })
      assert.equal(error.problems.length, 1, missing)
    }
  })

  test("without a provider name", async () => {
    const error = await compileError(Workflow.fromModule(Library.Nightly), { capabilities: new Set() })
    assert.deepEqual(error.problems, [
      { reason: "Unsupported", path: "runs.nightly-hello", message: "the selected provider does not support schedules" }
    ])
  })

  test("with every capability, or without a capability set, everything compiles", async () => {
    const all = Plan.toJsonString(await compile(Workflow.fromModule(Library), { capabilities: new Set(ALL), provider: "kubernetes" }))
    assert.equal(all, Plan.toJsonString(await compile(Workflow.fromModule(Library))))
  })

  test("what a run requires is derived from the run and its codespecs", async () => {
    const gpu = Codespec.job({ name: "gpu", image: "cuda", resources: { gpu: 1 }, identity: "trainer", buffers: { inputs: ["in"] } })
    const sockets = Codespec.job({ name: "sockets", image: "s", buffers: { inputs: ["in"] }, sockets: [{ port: 8080, inputBuffer: "in" }] })
    const plan = await compile(Workflow.make({
      runs: [
        Run.job(gpu, { name: "everything", buffers: { in: "_" }, nodePool: "gpunp" }),
        Run.job(gpu, { name: "replicated", nodePool: "gpunp", replicas: 2 }),
        Run.job(sockets, { name: "sockets" }),
        Run.job(Codespec.job({ name: "no-gpu", image: "x", resources: { gpu: 0 } }), { name: "no-gpu", replicas: 1 })
      ]
    }))
    assert.deepEqual(plan.runs.map((r) => [r.name, r.requires]), [
      ["everything", ["EphemeralBuffers", "Gpu", "Identities", "NodePools"]],
      ["replicated", ["Gpu", "Identities", "JobReplicas", "NodePools"]],
      ["sockets", ["Sockets"]],
      ["no-gpu", []]
    ])
  })

  test("unsupported and invalid together: the reason is the first problem's", async () => {
    const error = await compileError(
      Workflow.make({ runs: [Run.job(hello, { name: "ephemeral", buffers: { input: "_", output: "not a buffer id" } })] }),
      { capabilities: without("EphemeralBuffers"), provider: "docker" }
    )
    assert.equal(error.reason, "UnknownBuffer")
    assert.deepEqual(error.problems.map((p) => p.reason), ["UnknownBuffer", "Unsupported"])
  })
})

describe("named references through a CodespecCatalog", () => {
  const store = {
    hello: [
      { kind: "job", image: "ubuntu:22.04", buffers: { inputs: ["input"], outputs: ["output"] } },
      { kind: "job", image: "ubuntu:24.04", buffers: { inputs: ["input"], outputs: ["output"] } }
    ],
    myjobcodespec: [{ image: "job", buffers: { inputs: ["input"], outputs: ["output"] } }],
    myworkercodespec: Array.from({ length: 33 }, (_, i) => ({ kind: "worker", image: `worker:${i + 1}`, endpoints: { grpc: 50051 } })),
    broken: [{ kind: "job", image: "" }]
  }

  test("the latest version, or the one asked for; the plan keeps name and version", async () => {
    const asked: Array<string> = []
    const plan = await compile(
      Workflow.make({
        runs: [
          Run.untyped(Run.reference("hello"), { name: "latest" }),
          Run.untyped(Run.reference("hello/versions/1"), { name: "first" }),
          Run.untyped(Run.reference("hello"), { name: "latest-again" })
        ]
      }),
      {},
      catalogOf(store, asked)
    )
    // Each distinct reference is resolved once.
    assert.deepEqual(asked, ["hello", "hello/versions/1"])
    const latest = codespecOfRun(plan, "latest")
    assert.equal(latest.name, "hello")
    assert.equal(latest.version, 2)
    assert.equal(latest.spec.image, "ubuntu:24.04")
    // System fields are not part of the plan's spec.
    assert.equal(latest.spec.name, undefined)
    assert.equal(latest.spec.version, undefined)
    assert.equal(codespecOfRun(plan, "first").version, 1)
    assert.equal(codespecOfRun(plan, "first").spec.image, "ubuntu:22.04")
    assert.equal(codespecOfRun(plan, "latest-again").id, latest.id)
    assert.equal(plan.codespecs.length, 2)
  })

  test("the docs' distributed run file, resolved", async () => {
    const run = await Effect.runPromise(Effect.provide(YamlFiles.loadRunFile(fixturePath("distributed-run.yml"), "docs"), NodeFileSystem.layer))
    const plan = await compile(Workflow.make({ runs: [run] }), {}, catalogOf(store))
    const worker = codespecOfRun(plan, "docs", "worker")
    assert.equal(worker.kind, "worker")
    assert.equal(worker.name, "myworkercodespec")
    assert.equal(worker.version, 33)
    assert.equal(worker.spec.image, "worker:33")
    assert.deepEqual(plan.runs[0]?.worker, { codespec: worker.id, nodePool: "gpunp", replicas: 2 })
    assert.deepEqual(plan.runs[0]?.requires, ["DistributedRuns", "NodePools"])
  })

  test("a missing codespec: Tyger's message", async () => {
    const error = await compileError(Workflow.make({ runs: [Run.untyped(Run.reference("x"), { name: "missing" })] }), {}, catalogOf(store))
    assert.equal(error.reason, "MissingCodespec")
    assert.deepEqual(error.problems, [{ reason: "MissingCodespec", path: "runs.missing.job.codespec", message: "The codespec 'x' was not found" }])
  })

  test("a missing version: Tyger's message with the latest version", async () => {
    const error = await compileError(
      Workflow.make({ runs: [Run.untyped(Run.reference("hello/versions/9"), { name: "missing" })] }),
      {},
      catalogOf(store)
    )
    assert.deepEqual(error.problems, [{
      reason: "MissingCodespec",
      path: "runs.missing.job.codespec",
      message: "The version '9' of codespec 'hello' was not found. The latest version is '2'."
    }])
  })

  test("without a catalog every reference is missing", async () => {
    const error = await compileError(Workflow.make({
      runs: [Run.untyped(Run.reference("hello"), { name: "a", worker: { codespec: Run.reference("myworkercodespec/versions/33") } })]
    }))
    assert.deepEqual(error.problems, [
      { reason: "MissingCodespec", path: "runs.a.job.codespec", message: "The codespec 'hello' was not found" },
      { reason: "MissingCodespec", path: "runs.a.worker.codespec", message: "The codespec 'myworkercodespec' was not found" }
    ])
  })

  test("an invalid reference is reported without asking the catalog", async () => {
    const asked: Array<string> = []
    const error = await compileError(
      Workflow.make({ runs: [Run.untyped(Run.reference("Hello World"), { name: "a" })] }),
      {},
      catalogOf(store, asked)
    )
    assert.deepEqual(asked, [])
    assert.deepEqual(error.problems, [{
      reason: "MissingCodespec",
      path: "runs.a.job.codespec",
      message:
        "The codespec reference 'Hello World' is invalid. It should be in the form '<codespec_name>' or '<codespec_name>/versions/<version_number>'."
    }])
  })

  test("a stored codespec of the wrong kind, and an invalid stored codespec", async () => {
    const error = await compileError(
      Workflow.make({
        runs: [
          Run.untyped(Run.reference("myworkercodespec"), { name: "wrong-kind" }),
          Run.untyped(Run.reference("broken"), { name: "invalid" })
        ]
      }),
      {},
      catalogOf(store)
    )
    assert.deepEqual(error.problems, [
      {
        reason: "InvalidCodespec",
        path: "runs.wrong-kind.job.codespec.kind",
        message: "the job target needs a job codespec, but the codespec is a worker codespec"
      },
      { reason: "InvalidCodespec", path: "runs.invalid.job.codespec.image", message: "The image field is required." }
    ])
  })

  test("a DSL codespec and the stored codespec with the same name and content are one codespec", async () => {
    const local = Codespec.job({ name: "hello", image: "ubuntu:24.04", buffers: { outputs: ["output"], inputs: ["input"] } })
    const plan = await compile(
      Workflow.make({ runs: [Run.job(local, { name: "local" }), Run.untyped(Run.reference("hello"), { name: "stored" })] }),
      {},
      catalogOf(store)
    )
    assert.equal(plan.codespecs.length, 1)
    assert.equal(codespecOfRun(plan, "local").id, codespecOfRun(plan, "stored").id)
    assert.equal(plan.codespecs[0]?.version, 2)
  })

  test("a DSL codespec and a different stored codespec with the same name", async () => {
    const local = Codespec.job({ name: "hello", image: "ubuntu:25.04", buffers: { inputs: ["input"], outputs: ["output"] } })
    const error = await compileError(
      Workflow.make({ runs: [Run.job(local, { name: "local" }), Run.untyped(Run.reference("hello"), { name: "stored" })] }),
      {},
      catalogOf(store)
    )
    assert.deepEqual(error.problems, [
      { reason: "DuplicateName", path: "runs.stored.job.codespec", message: "two different codespecs are named 'hello'" }
    ])
  })
})

describe("content identity", () => {
  const build = (extra: Partial<Codespec.JobOptions<"input", "output">> = {}) =>
    Codespec.job({ name: "hello", image: "ubuntu", buffers: { inputs: ["input"], outputs: ["output"] }, ...extra })

  const idOf = async (codespec: Codespec.Job<"input", "output">): Promise<string> => {
    const plan = await compile(Workflow.make({ runs: [Run.job(codespec, { name: "r" })] }))
    return codespecOfRun(plan, "r").id
  }

  test("the same name and content give the same id, in any workflow", async () => {
    assert.equal(await idOf(build()), await idOf(build()))
    assert.match(await idOf(build()), /^cs-[0-9a-f]{16}$/)
  })

  test("order-insensitive parts and quantity spellings do not change the id", async () => {
    assert.equal(
      await idOf(build({ env: { A: "1", B: "2" }, resources: { requests: { cpu: 1, memory: "1Gi" } } })),
      await idOf(build({ env: { B: "2", A: "1" }, resources: { requests: { cpu: "1000m", memory: "1024Mi" } } }))
    )
  })

  test("another name or other content give another id", async () => {
    const base = await idOf(build())
    assert.notEqual(await idOf(build({ name: "hello2" })), base)
    assert.notEqual(await idOf(build({ image: "ubuntu:24.04" })), base)
    assert.notEqual(await idOf(build({ args: ["a", "b"] })), await idOf(build({ args: ["b", "a"] })))
  })

  test("two equal codespecs in one workflow are one plan codespec", async () => {
    const plan = await compile(Workflow.make({ runs: [Run.job(build(), { name: "a" }), Run.job(build(), { name: "b" })] }))
    assert.equal(plan.codespecs.length, 1)
    assert.equal(codespecOfRun(plan, "a").id, codespecOfRun(plan, "b").id)
  })

  test("the same name with different content is a DuplicateName problem", async () => {
    const error = await compileError(Workflow.make({
      runs: [Run.job(build(), { name: "a" }), Run.job(build({ image: "other" }), { name: "b" })]
    }))
    assert.deepEqual(error.problems, [
      { reason: "DuplicateName", path: "runs.b.job.codespec", message: "two different codespecs are named 'hello'" }
    ])
  })

  test("anonymous inline codespecs with equal content are one codespec", async () => {
    const load = (name: string) =>
      Effect.runPromise(Effect.provide(YamlFiles.loadRunFile(fixturePath("hello-inline-run.yml"), name), NodeFileSystem.layer))
    const plan = await compile(Workflow.make({ runs: [await load("one"), await load("two")] }))
    assert.equal(plan.codespecs.length, 1)
    assert.equal(plan.codespecs[0]?.name, undefined)
    assert.equal(codespecOfRun(plan, "one").id, codespecOfRun(plan, "two").id)
  })
})

describe("run order", () => {
  const producer = Run.job(hello, { name: "producer" })
  const middle = Run.job(hello, { name: "middle", buffers: { input: Run.output(producer, "output") } })
  const consumer = Run.job(hello, { name: "consumer", buffers: { input: Run.output(middle, "output") } })
  const loner = Run.job(hello, { name: "loner" })

  test("producers come before their consumers, whatever the workflow order", async () => {
    const plan = await compile(Workflow.make({ runs: { consumer, loner, middle, producer } }))
    assert.deepEqual(plan.runs.map((r) => r.name), ["producer", "middle", "consumer", "loner"])
    assert.deepEqual(plan.runs.map((r) => r.dependsOn), [[], ["producer"], ["middle"], []])
    assert.deepEqual(plan.runs[1]?.job.buffers["input"], { kind: "runOutput", run: "producer", parameter: "output" })
  })

  test("independent runs keep the workflow order", async () => {
    const a = Run.job(hello, { name: "a" })
    const b = Run.job(hello, { name: "b" })
    const c = Run.job(hello, { name: "c" })
    assert.deepEqual((await compile(Workflow.make({ runs: [c, a, b] }))).runs.map((r) => r.name), ["c", "a", "b"])
    assert.deepEqual((await compile(Workflow.make({ runs: [b, c, a] }))).runs.map((r) => r.name), ["b", "c", "a"])
  })

  test("a run that reads two outputs depends on both producers", async () => {
    const twoInputs = Codespec.job({ name: "join", image: "j", buffers: { inputs: ["left", "right"], outputs: ["joined"] } })
    const join = Run.job(twoInputs, {
      name: "join",
      buffers: { right: Run.output(middle, "output"), left: Run.output(producer, "output") }
    })
    const plan = await compile(Workflow.make({ runs: { join, middle, producer } }))
    assert.deepEqual(plan.runs.map((r) => r.name), ["producer", "middle", "join"])
    assert.deepEqual(plan.runs[2]?.dependsOn, ["middle", "producer"])
  })

  test("the gadgetron module: noise before snr", async () => {
    const plan = await compile(Workflow.fromModule(Library.Gadgetron))
    const names = plan.runs.map((r) => r.name)
    assert.ok(names.indexOf("gadgetron-noise") < names.indexOf("gadgetron-snr"))
  })
})

describe("workflow modules", () => {
  test("export names become kebab-case run names unless the run is named", async () => {
    const plan = await compile(Workflow.fromModule({
      nightlyReport: Run.job(hello),
      named: Run.job(hello, { name: "explicit" }),
      batch: [Run.job(hello), Run.job(hello)],
      group: { innerRun: Run.job(hello) }
    }))
    assert.deepEqual(plan.runs.map((r) => r.name), ["nightly-report", "explicit", "batch-0", "batch-1", "inner-run"])
  })

  test("the plan's defaults", async () => {
    const plan = await compile(Workflow.make({ runs: [Run.job(hello, { name: "defaults" })] }))
    assert.deepEqual(plan.runs[0], {
      name: "defaults",
      job: {
        codespec: plan.codespecs[0]?.id,
        buffers: { input: { kind: "create" }, output: { kind: "create" } },
        bufferTags: {},
        replicas: 1,
        env: {}
      },
      timeoutSeconds: 43200,
      tags: {},
      bufferAccessTtl: "01:00:00",
      dependsOn: [],
      requires: []
    })
  })

  test("TimeSpans are normalized", async () => {
    const plan = await compile(Workflow.make({
      runs: [Run.job(hello, { name: "ttl", bufferTtl: "1.00:00:00", bufferAccessTtl: "0:30:00" })]
    }))
    assert.equal(plan.runs[0]?.job.bufferTtl, "1.00:00:00")
    assert.equal(plan.runs[0]?.bufferAccessTtl, "00:30:00")
  })

  test("an empty workflow is an empty plan", async () => {
    assert.deepEqual(await compile(Workflow.make({})), { apiVersion: Plan.API_VERSION, codespecs: [], runs: [] })
  })
})

describe("derived env names", () => {
  const worker = Codespec.worker({ name: "w", image: "busybox", endpoints: { web: 8080 } })
  const job = Codespec.job({ name: "j", image: "busybox", buffers: { inputs: ["input"] }, env: { PEERS: "static" } })
  const compileEnv = (env: Record<string, Derived.Derived<"web", "w">>) =>
    Effect.runSync(Effect.flip(Compile.compile(Workflow.make({ runs: { r: Run.distributed({ job, worker, env }) } }))))

  test("refuses a name the codespec's env already sets", () => {
    const error = compileEnv({ PEERS: Derived.addresses(worker.endpoints.web) })
    assert.deepEqual(error.problems.map((p) => [p.path, p.message]), [
      ["runs.r.job.env.PEERS", "'PEERS' is already set by the codespec's env; rename one of them"]
    ])
  })

  test("refuses names tyger sets itself", () => {
    const error = compileEnv({
      INPUT_PIPE: Derived.workerNodes(),
      TYGER_WORKER_NODES: Derived.workerNodes(),
      TYGER_WEB_WORKER_ENDPOINT_ADDRESSES: Derived.addresses(worker.endpoints.web)
    })
    assert.deepEqual(error.problems.map((p) => p.message), [
      "'INPUT_PIPE' is set by tyger itself and cannot be derived",
      "'TYGER_WORKER_NODES' is set by tyger itself and cannot be derived",
      "'TYGER_WEB_WORKER_ENDPOINT_ADDRESSES' is set by tyger itself and cannot be derived"
    ])
  })
})
