// Hostile spec files (issue 14, items 5-7): reading is bounded (regular files up to 1 MiB, read at most 1 MiB + 1
// bytes), parsing is linear in the keys, nesting and alias expansion are bounded, and YAML tags outside the core
// schema are refused. Every refusal is a TygerFileError with a line, never a stack overflow or a hang.
import assert from "node:assert/strict"
import { execFileSync, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import process from "node:process"
import { after, describe, test } from "node:test"
import { NodeFileSystem } from "@effect/platform-node"
import { Effect, type FileSystem } from "effect"
import * as YamlFiles from "../../../engine/files/YamlFiles.ts"
import * as YamlLimits from "../../../engine/files/YamlLimits.ts"

const run = <A, E>(effect: Effect.Effect<A, E, FileSystem.FileSystem>): Promise<A> =>
  Effect.runPromise(Effect.provide(effect, NodeFileSystem.layer))

const failure = <A>(effect: Effect.Effect<A, YamlFiles.TygerFileError, FileSystem.FileSystem>) => run(Effect.flip(effect))

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "tyger-hostile-test-"))
after(() => fs.rmSync(scratch, { recursive: true, force: true }))

const write = (name: string, text: string | Uint8Array) => {
  const file = path.join(scratch, name)
  fs.writeFileSync(file, text)
  return file
}

const parseError = async (text: string) => {
  const error = await failure(YamlFiles.parseCodespec(text, "f.yml"))
  assert.equal(error.reason, "Syntax")
  return error.message
}

describe("reading: only regular files, at most 1 MiB", () => {
  test("a directory is reported as Go's os.ReadFile reports it", async () => {
    const dir = path.join(scratch, "dir.yml")
    fs.mkdirSync(dir)
    const error = await failure(YamlFiles.loadCodespecFile(dir))
    assert.equal(error.reason, "Unreadable")
    assert.deepEqual(error.problems, [{ path: "", message: `read ${dir}: is a directory` }])
  })

  test("a missing file keeps Go's open error", async () => {
    const file = path.join(scratch, "missing.yml")
    const error = await failure(YamlFiles.loadRunFile(file))
    assert.deepEqual(error.problems, [{ path: "", message: `open ${file}: no such file or directory` }])
  })

  test("/dev/zero (endless) is read up to the size limit and refused", { skip: !fs.existsSync("/dev/zero") }, async () => {
    const error = await failure(YamlFiles.loadCodespecFile("/dev/zero"))
    assert.deepEqual(error.problems, [{ path: "", message: "read /dev/zero: the file is larger than 1 MiB" }])
  })

  test("a FIFO no writer opens is given up on after a bounded wait instead of blocking", { skip: process.platform === "win32" }, async () => {
    const fifo = path.join(scratch, "spec.fifo")
    execFileSync("mkfifo", [fifo])
    await assert.rejects(YamlFiles.readStream(fifo, 300), /^Error: no writer opened it within 0.3 s$/)
  })

  test("a FIFO with a writer (`-f /dev/stdin` from a pipe, as Tyger's users write) is read", { skip: process.platform === "win32" }, async () => {
    const fifo = path.join(scratch, "piped.fifo")
    execFileSync("mkfifo", [fifo])
    // The writer opens its end once the reader has; its text arrives a little later, as from a slow pipe.
    const writer = spawn("sh", ["-c", `sleep 0.2; printf 'image: busybox\\n' > ${fifo}`])
    const closed = new Promise((resolve) => writer.once("close", resolve))
    const spec = await run(YamlFiles.loadCodespecFile(fifo))
    assert.equal(spec.image, "busybox")
    await closed
  })

  test("1 MiB is read; one byte more is refused", async () => {
    const exact = `image: busybox\nargs: ["${"x".repeat(YamlLimits.MAX_FILE_BYTES - 26)}"]\n`
    assert.equal(Buffer.byteLength(exact), YamlLimits.MAX_FILE_BYTES)
    const spec = await run(YamlFiles.loadCodespecFile(write("exact.yml", exact)))
    assert.equal(spec.args?.[0]?.length, YamlLimits.MAX_FILE_BYTES - 26)
    const file = write("large.yml", exact + "\n")
    const error = await failure(YamlFiles.loadCodespecFile(file))
    assert.equal(error.reason, "Unreadable")
    assert.deepEqual(error.problems, [{ path: "", message: `read ${file}: the file is larger than 1 MiB` }])
  })

  test("text given directly is bounded the same way", async () => {
    assert.equal(await parseError("#".repeat(YamlLimits.MAX_FILE_BYTES + 1)), "failed to parse file f.yml: the file is larger than 1 MiB")
  })
})

describe("parsing is linear in the keys", () => {
  test("75,000 env keys (just under 1 MiB) parse in seconds, not minutes", async () => {
    const lines = Array.from({ length: 75_000 }, (_, i) => `  K${i}: v\n`)
    const text = `image: busybox\nenv:\n${lines.join("")}`
    assert.ok(text.length < YamlLimits.MAX_FILE_BYTES)
    const started = Date.now()
    const spec = await run(YamlFiles.loadCodespecFile(write("env.yml", text)))
    // The package's `uniqueKeys` scan took ~35 s here (quadratic); the linear parse takes 1-3 s.
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`)
    assert.equal(Object.keys(spec.env ?? {}).length, 75_000)
  })

  test("duplicate keys are still found, each on its line, `1` and \"1\" alike", async () => {
    assert.equal(await parseError("image: x\nenv:\n  A: a\n  B: b\n  A: c\n"), "failed to parse file f.yml: line 5: Map keys must be unique")
    assert.equal(await parseError("image: x\nenv:\n  1: a\n  \"1\": b\n"), "failed to parse file f.yml: line 4: Map keys must be unique")
  })

  test("problems of many keys are located without rescanning the map", async () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => `  K${i}: ${i % 2 === 0 ? "v" : "[1]"}\n`)
    const started = Date.now()
    const error = await failure(YamlFiles.parseCodespec(`image: x\nenv:\n${lines.join("")}`, "f.yml"))
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`)
    assert.equal(error.problems.length, 25_000)
    assert.deepEqual(error.problems[0], { path: "line 4: env.K1", message: "Expected string" })
  })
})

describe("nesting is bounded", () => {
  const flow = (depth: number) => `image: x\nenv: ${"[".repeat(depth)}${"]".repeat(depth)}\n`
  test("100 levels are read (and refused later as a wrong type), 101 are refused as too deep", async () => {
    const ok = await failure(YamlFiles.parseCodespec(flow(99), "f.yml"))
    assert.equal(ok.reason, "Invalid")
    assert.equal(await parseError(flow(100)), "failed to parse file f.yml: line 2: the document nests deeper than 100 levels")
  })
  for (const depth of [1_000, 100_000]) {
    test(`${depth} levels of YAML flow and of JSON objects: a message, not a stack overflow`, async () => {
      assert.equal(await parseError(flow(depth)), "failed to parse file f.yml: line 2: the document nests deeper than 100 levels")
      const json = `{"image": "x", "env": ${"{\"a\": ".repeat(depth)}1${"}".repeat(depth)}}`
      assert.equal(await parseError(json), "failed to parse file f.yml: line 1: the document nests deeper than 100 levels")
    })
  }
  test("block nesting", async () => {
    const text = Array.from({ length: 150 }, (_, i) => `${" ".repeat(i)}k${i}:\n`).join("")
    assert.equal(await parseError(text), "failed to parse file f.yml: line 101: the document nests deeper than 100 levels")
  })
  test("nesting reached through an alias counts", async () => {
    const deep = `${"[".repeat(60)}${"]".repeat(60)}`
    assert.equal(await parseError(`a: &a ${deep}\nimage: x\nenv: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n`),
      "failed to parse file f.yml: line 3: the document nests deeper than 100 levels")
  })
})

describe("aliases", () => {
  test("99 aliases of a 1 MB anchor are refused before they are expanded", async () => {
    const text = `image: busybox\nargs:\n  - &a ${"x".repeat(1_000_000)}\n${"  - *a\n".repeat(99)}`
    const file = write("bomb.yml", text)
    const error = await failure(YamlFiles.loadCodespecFile(file))
    assert.equal(error.reason, "Syntax")
    assert.deepEqual(error.problems, [{ path: "", message: "line 3: the document's aliases expand it beyond 1 MiB" }])
  })
  test("nested aliases (a billion laughs) are refused", async () => {
    let text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
    for (let i = 1; i < 10; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]\n`
    assert.match(await parseError(text), /^failed to parse file f\.yml: line \d+: the document's aliases expand it beyond 1 MiB$/)
  })
  test("an alias inside the node it names is refused", async () => {
    assert.equal(await parseError("image: x\nargs: &a [*a]\n"), "failed to parse file f.yml: line 2: the alias *a is inside the node it refers to")
  })
  test("ordinary aliases still work", async () => {
    const spec = await run(YamlFiles.parseCodespec("image: x\nargs: &a [\"1\", \"2\"]\ncommand: *a\n", "f.yml"))
    assert.deepEqual(spec.command, ["1", "2"])
  })
})

describe("YAML tags outside the core schema", () => {
  for (
    const [text, tag] of [
      ["env: !!set {a, b}", "!!set"],
      ["args: !!binary aGVsbG8=", "!!binary"],
      ["env: !!omap [a: b]", "!!omap"],
      ["args: !!pairs [a: b]", "!!pairs"],
      ["workingDir: !!timestamp 2001-12-14", "!!timestamp"],
      ["env: !custom {a: b}", "!custom"]
    ]
  ) {
    test(`${tag} is refused, not dropped`, async () => {
      assert.equal(await parseError(`image: x\n${text}\n`),
        `failed to parse file f.yml: line 2: the YAML tag '${tag}' is not supported: write plain maps, sequences and scalars`)
    })
  }
  test("core tags are fine", async () => {
    const spec = await run(YamlFiles.parseCodespec("image: !!str x\nargs: !!seq [!!str 1]\nenv: !!map {A: !!str 2}\n", "f.yml"))
    assert.deepEqual([spec.image, spec.args, spec.env], ["x", ["1"], { A: "2" }])
  })
})
