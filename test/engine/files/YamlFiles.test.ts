// Tyger's YAML spec files on disk (engine/files/YamlFiles.ts): loading the guides' files, saving and reloading them, and
// errors in Tyger's CLI wording (`failed to parse file X: ...`) that name the offending line.
import assert from "node:assert/strict"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { after, describe, test } from "node:test"
import { NodeFileSystem } from "@effect/platform-node"
import { Effect, type FileSystem } from "effect"
import * as CodespecDocument from "../../../model/CodespecDocument.ts"
import * as Hello from "../../../dsl/library/hello.ts"
import * as Run from "../../../dsl/Run.ts"
import * as FileDocuments from "../../../engine/files/FileDocuments.ts"
import * as YamlFiles from "../../../engine/files/YamlFiles.ts"
import { fixturePath, readFixture } from "../../fixtures/Fixtures.ts"

const run = <A, E>(effect: Effect.Effect<A, E, FileSystem.FileSystem>): Promise<A> =>
  Effect.runPromise(Effect.provide(effect, NodeFileSystem.layer))

const failure = <A>(effect: Effect.Effect<A, YamlFiles.TygerFileError, FileSystem.FileSystem>): Promise<YamlFiles.TygerFileError> =>
  run(Effect.flip(effect))

/** The library's hello codespec, decoded. */
const helloSpec = (): CodespecDocument.Spec => {
  const decoded = FileDocuments.decodeCodespec(Hello.hello.spec)
  assert.ok(decoded.value !== undefined)
  return decoded.value
}

const loadCodespec = (name: string) => run(YamlFiles.loadCodespecFile(fixturePath(name)))
const loadRun = (name: string) => run(YamlFiles.loadRunFile(fixturePath(name)))

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "tyger-yaml-test-"))
after(() => fs.rmSync(scratch, { recursive: true, force: true }))

const CODESPEC_FILES = ["hello.yml", "negating.yml", "codespec-properties.yml", "worker-codespec.yml"]
const RUN_FILES = [
  "hello-run.yml",
  "hello-inline-run.yml",
  "run-spec.yml",
  "distributed-run.yml",
  "gadgetron/basic_gadgetron.yml",
  "gadgetron/noise_gadgetron.yml",
  "gadgetron/snr_gadgetron.yml",
  "gadgetron/distributed_gadgetron.yml"
]

describe("loading the guides' files", () => {
  test("hello.yml", async () => {
    const spec = await loadCodespec("hello.yml")
    assert.deepEqual(CodespecDocument.toJson(spec), CodespecDocument.toJson(helloSpec()))
  })

  test("a run file referring to a codespec", async () => {
    const loaded = await loadRun("hello-run.yml")
    assert.ok(Run.isRun(loaded))
    assert.deepEqual(loaded.job.codespec, Run.reference("hello"))
  })

  test("a run file names its run only if asked to", async () => {
    assert.equal((await run(YamlFiles.loadRunFile(fixturePath("hello-run.yml"), "greeting"))).name, "greeting")
  })

  test("the distributed run file: top-level worker with a versioned reference", async () => {
    const loaded = await loadRun("distributed-run.yml")
    assert.deepEqual(loaded.worker, { codespec: Run.reference("myworkercodespec/versions/33"), nodePool: "gpunp", replicas: 2 })
  })

  test("Gadgetron's distributed example: the inline worker codespec is a worker codespec", async () => {
    const loaded = await loadRun("gadgetron/distributed_gadgetron.yml")
    const worker = loaded.worker?.codespec
    assert.ok(worker !== undefined && !Run.isReference(worker))
    assert.equal(worker.spec.kind, "worker")
    assert.equal(loaded.worker?.replicas, 5)
  })

  test("loadDocument gives the raw document", async () => {
    assert.deepEqual(await run(YamlFiles.loadDocument(fixturePath("hello-run.yml"))), { job: { codespec: "hello" } })
  })
})

describe("load → save → load", () => {
  for (const name of CODESPEC_FILES) {
    test(`codespec ${name}`, async () => {
      const first = await loadCodespec(name)
      const text = YamlFiles.printCodespec(first)
      const file = path.join(scratch, path.basename(name))
      fs.writeFileSync(file, text)
      const second = await run(YamlFiles.loadCodespecFile(file))
      assert.deepEqual(CodespecDocument.toJson(second), CodespecDocument.toJson(first))
      assert.equal(CodespecDocument.canonicalKey(second), CodespecDocument.canonicalKey(first))
      // Saving is a fixed point after the first save.
      assert.equal(YamlFiles.printCodespec(second), text)
    })
  }

  for (const name of RUN_FILES) {
    test(`run ${name}`, async () => {
      const first = await loadRun(name)
      const text = await run(YamlFiles.printRun(first))
      const file = path.join(scratch, `run-${path.basename(name)}`)
      fs.writeFileSync(file, text)
      const second = await run(YamlFiles.loadRunFile(file))
      assert.deepEqual(second, first)
      assert.equal(await run(YamlFiles.printRun(second)), text)
    })
  }

  test("a codespec is printed in Tyger's field order", () => {
    assert.equal(
      YamlFiles.printCodespec(CodespecDocument.withoutSystemFields(helloSpec())),
      [
        "kind: job",
        "buffers:",
        "  inputs:",
        "    - input",
        "  outputs:",
        "    - output",
        "image: ubuntu",
        "command:",
        "  - bash",
        "  - -c",
        "  - |",
        "    set -euo pipefail",
        '    inp=$(cat "$INPUT_PIPE")',
        '    echo "Hello ${inp}" > "$OUTPUT_PIPE"',
        ""
      ].join("\n")
    )
  })

  test("comments and quoting in the original do not matter", async () => {
    const plain = await run(YamlFiles.parseRun("job:\n  codespec: mycodespec/versions/22\n", "plain.yml"))
    const commented = await loadRun("run-spec.yml")
    assert.deepEqual(commented.job.codespec, plain.job.codespec)
  })
})

describe("errors name the file and the line", () => {
  test("an unknown field", async () => {
    const file = fixturePath("invalid/unknown-field.yml")
    const error = await failure(YamlFiles.loadCodespecFile(file))
    assert.equal(error._tag, "TygerFileError")
    assert.equal(error.reason, "Invalid")
    assert.equal(error.file, file)
    assert.equal(error.message, `failed to parse file ${file}: line 5: buffers.outptus: unknown field 'outptus'`)
  })

  test("an unknown field in a run file is located at its key, not at the block under it", async () => {
    const file = fixturePath("invalid/unknown-run-field.yml")
    const error = await failure(YamlFiles.loadRunFile(file))
    assert.equal(error.message, `failed to parse file ${file}: line 3: job.buffer: unknown field 'buffer'`)
  })

  test("an unknown field in an inline codespec", async () => {
    const text = "job:\n  codespec:\n    image: ubuntu\n    buffers:\n      inputs: [input]\n    entrypoint: [sh]\n"
    const error = await failure(YamlFiles.parseRun(text, "inline.yml"))
    assert.equal(error.message, "failed to parse file inline.yml: line 6: job.codespec.entrypoint: unknown field 'entrypoint'")
  })

  test("several problems, each on its line", async () => {
    const file = fixturePath("invalid/wrong-types.yml")
    const error = await failure(YamlFiles.loadCodespecFile(file))
    assert.equal(error.reason, "Invalid")
    assert.deepEqual(error.problems, [
      { path: "line 3: command", message: "Expected array" },
      {
        path: "line 7: resources.requests.cpu",
        message: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
      },
      { path: "line 4: maxReplicas", message: "Expected number" }
    ])
    assert.ok(error.message.startsWith(`failed to parse file ${file}: line 3: command: Expected array\n`))
  })

  test("a sequence item", async () => {
    const error = await failure(YamlFiles.parseCodespec("image: x\nargs:\n  - a\n  - [b]\n", "args.yml"))
    assert.equal(error.message, "failed to parse file args.yml: line 4: args[1]: Expected string")
  })

  test("a document that is not a mapping", async () => {
    const error = await failure(YamlFiles.parseCodespec("- image\n", "list.yml"))
    assert.equal(error.message, "failed to parse file list.yml: line 1: Expected object")
  })

  test("a YAML syntax error", async () => {
    const file = fixturePath("invalid/syntax-error.yml")
    const error = await failure(YamlFiles.loadCodespecFile(file))
    assert.equal(error.reason, "Syntax")
    assert.match(error.message, new RegExp(`^failed to parse file ${escape(file)}: line 5: `))
  })

  test("duplicate keys", async () => {
    const file = fixturePath("invalid/duplicate-keys.yml")
    const error = await failure(YamlFiles.loadCodespecFile(file))
    assert.equal(error.reason, "Syntax")
    assert.equal(error.message, `failed to parse file ${file}: line 3: Map keys must be unique`)
  })

  test("duplicate keys in a nested map", async () => {
    const error = await failure(YamlFiles.parseRun("job:\n  codespec: a\n  codespec: b\n", "dup.yml"))
    assert.equal(error.message, "failed to parse file dup.yml: line 3: Map keys must be unique")
  })

  test("a missing file", async () => {
    const file = path.join(scratch, "nope.yml")
    const error = await failure(YamlFiles.loadCodespecFile(file))
    assert.equal(error.reason, "Unreadable")
    assert.equal(error.message, `failed to parse file ${file}: open ${file}: no such file or directory`)
  })

  test("a run file without a job codespec", async () => {
    const error = await failure(YamlFiles.parseRun("timeoutSeconds: 60\n", "nojob.yml"))
    assert.equal(error.message, "failed to parse file nojob.yml: line 1: job: a codespec for the job must be specified")
  })

  test("an empty codespec file decodes (validation happens when it is used)", async () => {
    assert.deepEqual(await run(YamlFiles.parseCodespec("", "empty.yml")), {})
  })

  test("a run that has no Tyger run-file form cannot be printed", async () => {
    const producer = Run.job(Hello.hello, { name: "producer" })
    const consumer = Run.job(Hello.hello, { name: "consumer", buffers: { input: Run.output(producer, "output") } })
    const error = await failure(YamlFiles.printRun(consumer))
    assert.equal(error.reason, "Invalid")
    assert.deepEqual(error.problems, [
      { path: "job.buffers.input", message: "a buffer from another run has no Tyger run-file form" }
    ])
  })
})

describe("the fixtures are the files the guides print", () => {
  test("hello.yml keeps the guide's block scalar", () => {
    assert.match(readFixture("hello.yml"), /command:\n {2}- "bash"\n {2}- "-c"\n {2}- \|\n {4}set -euo pipefail\n/)
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
}
