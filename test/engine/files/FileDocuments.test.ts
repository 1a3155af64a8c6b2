// Tyger's YAML documents as DSL values (engine/files/FileDocuments.ts). The documents are the fixtures in test/fixtures (the runs
// and codespecs guides' files and Tyger's Gadgetron examples) parsed with `yaml`; reading files with line numbers is
// engine/files/YamlFiles.ts and is tested in test/engine/files/YamlFiles.test.ts.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { parse } from "yaml"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as CodespecDocument from "../../../model/CodespecDocument.ts"
import * as CodespecValidation from "../../../model/CodespecValidation.ts"
import * as Derived from "../../../dsl/Derived.ts"
import * as Gadgetron from "../../../dsl/library/gadgetron.ts"
import * as Ffmpeg from "../../../dsl/library/ffmpeg.ts"
import * as Hello from "../../../dsl/library/hello.ts"
import * as Nightly from "../../../dsl/library/nightly.ts"
import * as Run from "../../../dsl/Run.ts"
import * as FileDocuments from "../../../engine/files/FileDocuments.ts"
import { readFixture } from "../../fixtures/Fixtures.ts"

const documentOf = (name: string): unknown => parse(readFixture(name))

const codespecOf = (document: unknown): CodespecDocument.Spec => {
  const decoded = FileDocuments.decodeCodespec(document)
  assert.deepEqual(decoded.problems, [])
  assert.ok(decoded.value !== undefined)
  return decoded.value
}

const runOf = (document: unknown, name?: string): Run.Any => {
  const decoded = FileDocuments.decodeRun(document, name)
  assert.deepEqual(decoded.problems, [])
  assert.ok(decoded.value !== undefined)
  return decoded.value
}

/** The inline codespec of a run target, decoded. */
const inline = (source: Run.CodespecSource): CodespecDocument.Spec => {
  assert.ok(!Run.isReference(source), "expected an inline codespec")
  assert.equal(source.kind, "unknown")
  return codespecOf(source.spec)
}

const referenceOf = (source: Run.CodespecSource): string => {
  assert.ok(Run.isReference(source), "expected a codespec reference")
  return source.reference
}

/** A library codespec's content without its name, for comparison with an anonymous inline codespec. */
const contentOf = (codespec: Codespec.Any): string =>
  CodespecDocument.canonicalKey(CodespecDocument.withoutSystemFields(codespecOf(codespec.spec)))

const HELLO_SCRIPT = 'set -euo pipefail\ninp=$(cat "$INPUT_PIPE")\necho "Hello ${inp}" > "$OUTPUT_PIPE"\n'

describe("codespec files", () => {
  test("hello.yml from the runs guide", () => {
    const spec = codespecOf(documentOf("hello.yml"))
    assert.equal(CodespecValidation.kindOf(spec), "job")
    assert.deepEqual(spec, {
      name: "hello",
      image: "ubuntu",
      buffers: { inputs: ["input"], outputs: ["output"] },
      command: ["bash", "-c", HELLO_SCRIPT]
    })
    assert.deepEqual(CodespecValidation.validate("", codespecOf(documentOf("hello.yml"))), [])
  })

  test("the library's hello codespec is the guide's hello.yml", () => {
    assert.deepEqual(CodespecDocument.toJson(codespecOf(documentOf("hello.yml"))), CodespecDocument.toJson(codespecOf(Hello.hello.spec)))
  })

  test("negating.yml from the codespecs guide, as printed there", () => {
    const spec = codespecOf(documentOf("negating.yml"))
    assert.equal(spec.name, "negatingcodespec")
    assert.equal(spec.image, Ffmpeg.FFMPEG_IMAGE)
    assert.deepEqual(spec.buffers, { inputs: ["input"], outputs: ["output"] })
    // The guide's file has `-f-` and no `-i`; its command-line example (which the library follows) has `-i ... -f nut`.
    assert.deepEqual(spec.args, ["$(INPUT_PIPE)", "-vf", "negate", "-f-", "nut", "-y", "$(OUTPUT_PIPE)"])
    assert.deepEqual(Ffmpeg.negate.spec.args, ["-i", "$(INPUT_PIPE)", "-vf", "negate", "-f", "nut", "-y", "$(OUTPUT_PIPE)"])
    assert.deepEqual(CodespecValidation.validate("", spec), [])
  })

  test("the codespecs guide's commented property file decodes, but mixes job and worker fields", () => {
    const spec = codespecOf(documentOf("codespec-properties.yml"))
    assert.deepEqual(CodespecDocument.toJson(spec), {
      kind: "job",
      name: "negatingcodespec",
      buffers: { inputs: ["input"], outputs: ["output"] },
      image: "quay.io/linuxserver.io/ffmpeg",
      command: ["ffmpeg"],
      args: ["$(INPUT_PIPE)", "-vf", "negate", "-f-", "nut", "-y", "$(OUTPUT_PIPE)"],
      workingDir: "/some/path",
      env: { MY_VAR: "myValue" },
      identity: "my-identity",
      resources: { requests: { cpu: "1", memory: "1G" }, limits: { cpu: "1", memory: "1G" }, gpu: "1" },
      maxReplicas: 1,
      endpoints: { myEndpoint: 8888 }
    })
    assert.deepEqual(CodespecValidation.validate("", spec), [{ path: "endpoints", message: "job codespecs cannot have endpoints" }])
  })

  test("a worker codespec file", () => {
    const spec = codespecOf(documentOf("worker-codespec.yml"))
    assert.equal(CodespecValidation.kindOf(spec), "worker")
    assert.deepEqual(spec.endpoints, { gadgetron: 9002 })
    assert.deepEqual(CodespecValidation.validate("", spec), [])
  })

  test("an empty document is an empty codespec (validation then asks for an image)", () => {
    assert.deepEqual(codespecOf(null), {})
    assert.deepEqual(CodespecValidation.validate("", codespecOf(null)), [{ path: "image", message: "The image field is required." }])
  })

  test("problems carry the document path, under a base path if given", () => {
    assert.deepEqual(FileDocuments.decodeCodespec({ image: "x", buffers: { inputs: "input" } }, "codespecs.hello").problems, [
      { path: "codespecs.hello.buffers.inputs", message: "Expected array" }
    ])
  })

  test("encodeCodespec prints Tyger's JSON form", () => {
    const json = FileDocuments.encodeCodespec(codespecOf(documentOf("hello.yml")))
    assert.deepEqual(Object.keys(json), ["kind", "name", "buffers", "image", "command"])
    assert.deepEqual(codespecOf(json), { kind: "job", ...codespecOf(documentOf("hello.yml")) })
  })
})

describe("run files", () => {
  test("job: { codespec: hello } refers to the named codespec", () => {
    const run = runOf(documentOf("hello-run.yml"))
    assert.equal(referenceOf(run.job.codespec), "hello")
    assert.deepEqual(run.job.buffers, {})
    assert.equal(run.worker, undefined)
    assert.equal(run.timeoutSeconds, undefined)
    assert.equal(run.name, undefined)
  })

  test("an inline codespec is anonymous and becomes a job codespec", () => {
    const run = runOf(documentOf("hello-inline-run.yml"))
    const spec = inline(run.job.codespec)
    assert.equal(spec.kind, "job")
    assert.equal(spec.name, undefined)
    assert.deepEqual(spec.command, ["bash", "-c", HELLO_SCRIPT])
    assert.equal(contentOf(Hello.hello), CodespecDocument.canonicalKey(spec))
  })

  test("the runs guide's commented run specification", () => {
    const run = runOf(documentOf("run-spec.yml"))
    assert.equal(referenceOf(run.job.codespec), "mycodespec/versions/22")
    assert.deepEqual(run.job.buffers, { input: "lopoahtz7chepdpmgvunuvtqke" })
    assert.deepEqual(run.job.bufferTags, { mykey: "myvalue" })
    assert.equal(run.job.nodePool, "cpunp")
    assert.equal(run.job.replicas, 1)
    assert.equal(run.cluster, "mycluster")
    assert.equal(run.timeoutSeconds, 43200)
  })

  test("a distributed run file with a top-level worker", () => {
    const run = runOf(documentOf("distributed-run.yml"))
    assert.equal(referenceOf(run.job.codespec), "myjobcodespec")
    assert.ok(run.worker !== undefined)
    assert.equal(referenceOf(run.worker.codespec), "myworkercodespec/versions/33")
    assert.equal(run.worker.nodePool, "gpunp")
    assert.equal(run.worker.replicas, 2)
  })

  test("the run's name comes from the caller, not the file", () => {
    assert.equal(runOf(documentOf("hello-run.yml"), "greeting").name, "greeting")
  })

  test("nulls (as `run show` prints them) are absent values", () => {
    const run = runOf({
      job: { codespec: "hello", buffers: null, tags: null, bufferTtl: null, nodePool: null },
      worker: null,
      cluster: null,
      timeoutSeconds: null,
      tags: null,
      bufferAccessTtl: null
    })
    assert.deepEqual(run.job.buffers, {})
    assert.equal(run.worker, undefined)
    assert.equal(run.timeoutSeconds, undefined)
    assert.equal(run.tags, undefined)
  })

  test("system fields of a `run show` document are accepted and ignored", () => {
    const run = runOf({
      id: 42,
      status: "Succeeded",
      statusReason: "",
      runningCount: 0,
      createdAt: "2024-01-01T00:00:00Z",
      startedAt: "2024-01-01T00:00:01Z",
      finishedAt: "2024-01-01T00:00:02Z",
      kind: "user",
      eTag: "1",
      job: { codespec: "hello", buffers: { input: "abc" } },
      timeoutSeconds: 60,
      bufferAccessTtl: "00:30:00"
    })
    assert.equal(referenceOf(run.job.codespec), "hello")
    assert.equal(run.timeoutSeconds, 60)
    assert.equal(run.bufferAccessTtl, "00:30:00")
  })
})

describe("Tyger's Gadgetron examples are the library's codespecs", () => {
  const cases = [
    ["gadgetron/basic_gadgetron.yml", Gadgetron.basic],
    ["gadgetron/noise_gadgetron.yml", Gadgetron.noise],
    ["gadgetron/snr_gadgetron.yml", Gadgetron.snr],
    ["gadgetron/distributed_gadgetron.yml", Gadgetron.distributedJob]
  ] as const
  for (const [file, codespec] of cases) {
    test(file, () => {
      const run = runOf(documentOf(file))
      const spec = inline(run.job.codespec)
      assert.equal(spec.image, Gadgetron.GADGETRON_IMAGE)
      assert.equal(spec.image, codespec.spec.image)
      assert.deepEqual(spec.args, codespec.spec.args)
      assert.deepEqual(spec.buffers, codespec.spec.buffers)
      assert.equal(CodespecDocument.canonicalKey(spec), contentOf(codespec))
    })
  }

  test("the distributed example's inline worker codespec becomes a worker codespec", () => {
    const run = runOf(documentOf("gadgetron/distributed_gadgetron.yml"))
    assert.ok(run.worker !== undefined)
    const worker = inline(run.worker.codespec)
    assert.equal(worker.kind, "worker")
    assert.deepEqual(CodespecValidation.validate("", worker), [])
    assert.equal(CodespecDocument.canonicalKey(worker), contentOf(Gadgetron.worker))
    assert.deepEqual(worker.args, [])
    assert.deepEqual(worker.endpoints, Gadgetron.worker.spec.endpoints)
    assert.equal(run.worker.replicas, 5)
    assert.equal(Gadgetron.distributedRun.worker?.replicas, 5)
    // The job reads the addresses Tyger injects for the `gadgetron` endpoint.
    assert.equal(
      inline(run.job.codespec).env?.["GADGETRON_REMOTE_WORKER_COMMAND"],
      `printenv ${CodespecDocument.endpointVariable("gadgetron")}`
    )
  })

  test("the place decides the kind: an inline codespec declaring the other kind is overridden", () => {
    const run = runOf({ job: { codespec: { kind: "worker", image: "x" } }, worker: { codespec: { kind: "job", image: "y" } } })
    assert.equal(inline(run.job.codespec).kind, "job")
    assert.ok(run.worker !== undefined)
    assert.equal(inline(run.worker.codespec).kind, "worker")
  })
})

describe("run file problems", () => {
  const problemsOf = (document: unknown) => FileDocuments.decodeRun(document).problems

  test("a run needs a job codespec", () => {
    assert.deepEqual(problemsOf(null), [{ path: "job", message: "a codespec for the job must be specified" }])
    assert.deepEqual(problemsOf({}), [{ path: "job", message: "a codespec for the job must be specified" }])
    assert.deepEqual(problemsOf({ job: { buffers: { input: "x" } } }), [
      { path: "job.codespec", message: "a codespec for the job must be specified" }
    ])
  })
  test("a worker needs a codespec", () => {
    assert.deepEqual(problemsOf({ job: { codespec: "hello" }, worker: { replicas: 2 } }), [
      { path: "worker.codespec", message: "a codespec for the worker must be specified" }
    ])
  })
  test("workers take no buffers", () => {
    const decoded = FileDocuments.decodeRun({ job: { codespec: "hello" }, worker: { codespec: "w", buffers: { a: "b" } } })
    assert.deepEqual(decoded.problems, [{ path: "worker.buffers", message: "workers do not take buffers" }])
  })
  test("unknown fields, at the run, target and inline codespec level", () => {
    assert.deepEqual(problemsOf({ job: { codespec: "hello" }, timeout: 5 }), [{ path: "timeout", message: "unknown field 'timeout'" }])
    assert.deepEqual(problemsOf({ job: { codespec: "hello", buffer: {} } }), [{ path: "job.buffer", message: "unknown field 'buffer'" }])
    assert.deepEqual(problemsOf({ job: { codespec: { image: "x", foo: 1 } } }), [
      { path: "job.codespec.foo", message: "unknown field 'foo'" }
    ])
  })
  test("wrong types", () => {
    assert.deepEqual(problemsOf({ job: { codespec: "hello", replicas: "two" }, timeoutSeconds: "1h" }), [
      { path: "job.replicas", message: "Expected number" },
      { path: "timeoutSeconds", message: "Expected number | null" }
    ])
  })
})

describe("encoding runs", () => {
  // The run back from its document, both without the builder's call site (where each was built differs).
  const withoutLocation = (run: Run.Any): Run.Any => ({ ...run, location: undefined })
  const roundTrip = (run: Run.Any): Run.Any => {
    const encoded = FileDocuments.encodeRun(run)
    assert.deepEqual(encoded.problems, [])
    return withoutLocation(runOf(encoded.value))
  }

  for (const file of ["hello-run.yml", "run-spec.yml", "distributed-run.yml"]) {
    test(`${file}: document → run → document is the same document`, () => {
      const document = documentOf(file)
      const encoded = FileDocuments.encodeRun(runOf(document))
      assert.deepEqual(encoded, { value: document, problems: [] })
    })
  }

  for (const file of ["hello-inline-run.yml", "gadgetron/basic_gadgetron.yml", "gadgetron/distributed_gadgetron.yml"]) {
    test(`${file}: run → document → run is the same run; inline codespecs gain their kind`, () => {
      const run = runOf(documentOf(file))
      assert.deepEqual(roundTrip(run), withoutLocation(run))
      const encoded = FileDocuments.encodeRun(run).value as { job: { codespec: { kind: string } } }
      assert.equal(encoded.job.codespec.kind, "job")
    })
  }

  test("every run option survives the round trip", () => {
    const run = Run.untyped(Run.reference("hello/versions/3"), {
      buffers: { input: "abc", output: "_" },
      bufferTags: { k: "v" },
      bufferTtl: "1.00:00:00",
      nodePool: "cpunp",
      replicas: 2,
      timeoutSeconds: 600,
      tags: { run: "tag" },
      cluster: "c1",
      bufferAccessTtl: "00:10:00",
      worker: { codespec: Run.reference("w"), nodePool: "gpunp", replicas: 3 }
    })
    assert.deepEqual(FileDocuments.encodeRun(run).value, {
      job: {
        codespec: "hello/versions/3",
        buffers: { input: "abc", output: "_" },
        tags: { k: "v" },
        bufferTtl: "1.00:00:00",
        nodePool: "cpunp",
        replicas: 2
      },
      worker: { codespec: "w", nodePool: "gpunp", replicas: 3 },
      cluster: "c1",
      timeoutSeconds: 600,
      tags: { run: "tag" },
      bufferAccessTtl: "00:10:00"
    })
    assert.deepEqual(roundTrip(run), withoutLocation(run))
  })

  test("a DSL run with a typed codespec is written with its codespec inline", () => {
    const encoded = FileDocuments.encodeRun(Hello.helloRun)
    assert.deepEqual(encoded.problems, [])
    const document = encoded.value as { job: { codespec: Record<string, unknown> }; tags: unknown }
    assert.equal(document.job.codespec["name"], "hello")
    assert.equal(document.job.codespec["kind"], "job")
    assert.deepEqual(document.tags, { guide: "runs" })
    const again = runOf(document)
    assert.equal(CodespecDocument.canonicalKey(inline(again.job.codespec)), contentOf(Hello.hello))
  })

  test("what has no Tyger run-file form is refused, all at once", () => {
    assert.deepEqual(FileDocuments.encodeRun(Gadgetron.snrRun).problems, [
      { path: "job.buffers.noisecovariance", message: "a buffer from another run has no Tyger run-file form" }
    ])
    assert.deepEqual(FileDocuments.encodeRun(Gadgetron.distributedRun).problems, [
      { path: "job.env", message: "derived env values have no Tyger run-file form" }
    ])
    assert.deepEqual(FileDocuments.encodeRun(Nightly.nightly).problems, [
      { path: "schedule", message: "schedules have no Tyger run-file form" }
    ])
    const everything = Run.distributed({
      job: { codespec: Hello.hello, buffers: { input: Run.output(Hello.helloRun, "output") } },
      worker: Gadgetron.worker,
      env: { NODES: Derived.workerNodes() },
      schedule: { cron: "@daily" }
    })
    const encoded = FileDocuments.encodeRun(everything)
    assert.equal(encoded.value, undefined)
    assert.deepEqual(encoded.problems.map((p) => p.path), ["job.buffers.input", "job.env", "schedule"])
  })
})
