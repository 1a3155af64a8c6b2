// Issue 14's property test: generated codespec and run files, flag values and ids fed to the CLI's parsing and
// validation (fast-check, seeded and bounded, so a failure replays). Whatever comes in, a command ends with exit 0, or
// exit 1 and only `Error:`/`FTL` lines on stderr: never a stack trace, never a hang, never a stored row that a later
// `list` cannot read.
import assert from "node:assert/strict"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { describe, test } from "node:test"
import fc from "fast-check"
import { stringify } from "yaml"
import { tempDir } from "../support/Run.ts"
import { type CliResult, tyger } from "./Harness.ts"

const SEED = 20261204
/** Per property; four properties, so well over a thousand inputs in all. */
const RUNS = 250
/** A command that takes longer than this counts as a hang. */
const HANG_MS = 20_000

const session = () => {
  const dir = tempDir("tyger-fuzz-")
  const dataDir = Path.join(dir, "data")
  let files = 0
  const run = async (...args: ReadonlyArray<string>): Promise<CliResult> => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const hang = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`hang: tyger ${args.join(" ")}`)), HANG_MS)
    })
    try {
      return await Promise.race([tyger({ dataDir, cwd: dir }, ...args), hang])
    } finally {
      clearTimeout(timer)
    }
  }
  const file = (text: string) => {
    const path = Path.join(dir, `f${files++}.yaml`)
    Fs.writeFileSync(path, text)
    return path
  }
  return { run, file }
}

/** Exit 0, or exit 1 with stderr starting with an `Error:` or a zerolog line, and no stack frame anywhere. */
const clean = (result: CliResult, what: string): void => {
  assert.ok(result.code === 0 || result.code === 1, `${what}: exit ${result.code}\n${result.stderr}`)
  const output = result.stdout + result.stderr
  assert.doesNotMatch(output, /\n\s+at .+:\d+:\d+\)?$/m, `${what}: a stack trace\n${output}`)
  assert.doesNotMatch(output, /Maximum call stack|TypeError|ReferenceError|undefined is not|Cannot read properties/, what)
  // The first line says what failed; a message may go on over more lines when it quotes a value with line breaks, as
  // Tyger's does.
  if (result.code === 1) assert.match(result.stderr, /^(Error: |\S+ (FTL|ERR|WRN) )/, `${what}: ${result.stderr}`)
}

// Values of every kind YAML can carry, the awkward ones often.
const scalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc.constantFrom("", " ", "-1", "1e400", "NaN", "1Gb", "2 cores", "0.5", "500m", "99999999999999999999", "a=b", "\u0000", "Hello", "_"),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null)
)
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("list"), tie("map")),
  list: fc.array(tie("node"), { maxLength: 4 }),
  map: fc.dictionary(fc.string({ maxLength: 8 }), tie("node"), { maxKeys: 4 })
})).node

const CODESPEC_KEYS = ["kind", "name", "image", "command", "args", "env", "buffers", "sockets", "endpoints", "resources",
  "maxReplicas", "workingDir", "identity", "version"]
const codespecDocument = fc.dictionary(fc.oneof(fc.constantFrom(...CODESPEC_KEYS), fc.string({ maxLength: 6 })), value, { maxKeys: 8 })
const runDocument = fc.dictionary(
  fc.constantFrom("job", "worker", "timeoutSeconds", "tags", "cluster", "kind", "bufferAccessTtl", "x"),
  fc.oneof(value, fc.record({ codespec: fc.oneof(fc.string({ maxLength: 8 }), codespecDocument), buffers: value, tags: value })),
  { maxKeys: 5 }
)
const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: "binary", maxLength: 30 }))
/** YAML as users (and drills) write it: the documents above, tags and anchors, or raw text. */
const yamlText = (document: fc.Arbitrary<unknown>) =>
  fc.oneof(
    document.map((d) => stringify(d)),
    fc.constantFrom("env: !!set {a, b}\nimage: x\n", "a: &x [1]\nb: *x\n", "- - - - - 1\n", "image: !custom x\n", ": :\n", "\t"),
    text
  )

const flagValue = fc.oneof(text, fc.constantFrom("-1", "0", "1e400", "99999999999.00:00", "1.00:00", "=", "a=b=c", "", "\u0000"))

describe("the CLI under generated input", { timeout: 600_000 }, () => {
  test("codespec files: `codespec create -f` ends cleanly; `codespec list` still reads every stored codespec", async () => {
    const { run, file } = session()
    await fc.assert(fc.asyncProperty(yamlText(codespecDocument), fc.string({ maxLength: 12 }), async (yaml, name) => {
      clean(await run("codespec", "create", name === "" ? "fuzz" : name, "-f", file(yaml)), "codespec create -f")
    }), { seed: SEED, numRuns: RUNS })
    clean(await run("codespec", "list"), "codespec list")
    assert.equal((await run("codespec", "list")).code, 0)
  })

  test("codespec flags: `codespec create` with generated values ends cleanly; `codespec list` still works", async () => {
    const { run } = session()
    const flags = ["--image", "--memory-limit", "--memory-request", "--cpu-limit", "--cpu-request", "--gpu", "-i", "-o", "--env",
      "--max-replicas", "--working-dir", "--identity", "--endpoint"]
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 12 }), fc.array(fc.tuple(fc.constantFrom(...flags), flagValue), { maxLength: 4 }),
      async (name, pairs) => {
        clean(await run("codespec", "create", name, "--image", "busybox", ...pairs.flatMap(([flag, v]) => [`${flag}=${v}`])), "codespec create")
      }), { seed: SEED + 1, numRuns: RUNS })
    assert.equal((await run("codespec", "list")).code, 0)
  })

  test("buffer flags and ids: `buffer create/show/set` end cleanly; `buffer list` still reads every buffer", async () => {
    const { run } = session()
    await fc.assert(fc.asyncProperty(flagValue, flagValue, fc.string({ maxLength: 30 }), async (ttl, tag, id) => {
      clean(await run("buffer", "create", `--ttl=${ttl}`), "buffer create --ttl")
      clean(await run("buffer", "create", "--tag", tag), "buffer create --tag")
      clean(await run("buffer", "show", id), "buffer show")
      clean(await run("buffer", "set", id, "--tag", tag), "buffer set")
    }), { seed: SEED + 2, numRuns: RUNS })
    const list = await run("buffer", "list")
    clean(list, "buffer list")
    assert.equal(list.code, 0, list.stderr)
  })

  test("run files and run ids: `plan FILE` and `run show ID` end cleanly", async () => {
    const { run, file } = session()
    await fc.assert(fc.asyncProperty(yamlText(runDocument), fc.string({ maxLength: 30 }), async (yaml, id) => {
      clean(await run("plan", file(yaml)), "plan")
      clean(await run("run", "show", id), "run show")
    }), { seed: SEED + 3, numRuns: RUNS })
  })
})
