// A run file of `kind: system`: Tyger's server answers 400 `System runs cannot be created directly` (Runs.cs, checked
// after the run has been read and before anything else), which its CLI prints as `Error: InvalidInput: …`. Only the
// server makes system runs (buffer export and import). Nothing is created; no Docker engine is needed to get there.
import assert from "node:assert/strict"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { describe, test } from "node:test"
import * as FileDocuments from "../../../engine/files/FileDocuments.ts"
import { tempDir } from "../../support/Run.ts"
import { fails, tygerWith } from "../buffer/BufferHarness.ts"

const SYSTEM = "InvalidInput: System runs cannot be created directly"

const session = () => {
  const dir = tempDir("tyger-cli-system-run-")
  const dataDir = Path.join(dir, "data")
  const run = (...args: ReadonlyArray<string>) => tygerWith({ dataDir, cwd: dir, env: {} }, ...args)
  const file = (name: string, text: string) => Fs.writeFileSync(Path.join(dir, name), text)
  return Object.assign(run, { dir, file })
}

describe("kind: system", () => {
  test("run create and run exec refuse it in Tyger's words, whatever its case; nothing is created", async () => {
    const run = session()
    run.file("system.yml", "kind: system\njob:\n  codespec:\n    image: busybox\n")
    run.file("shouting.yml", "kind: System\njob:\n  codespec: hello\n")
    fails(await run("run", "create", "-f", "system.yml"), SYSTEM)
    fails(await run("run", "exec", "-f", "system.yml"), SYSTEM)
    fails(await run("run", "create", "-f", "shouting.yml"), SYSTEM)
    assert.deepEqual(await run("run", "list"), { code: 0, stdout: "[]\n", stderr: "", bytes: new TextEncoder().encode("[]\n") })
  })

  test("the file's own problems come first, as Tyger's CLI finds them before sending the run", async () => {
    const run = session()
    run.file("bad.yml", "kind: system\njob:\n  codespec:\n    image: busybox\n  bogus: 1\n")
    const result = await run("run", "create", "-f", "bad.yml")
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^Error: failed to parse file bad\.yml: .*bogus/)
  })

  test("kind: user (as `run show` prints none, or Tyger's default) is an ordinary run", () => {
    const decoded = FileDocuments.decodeRun({ kind: "user", job: { codespec: "hello" } })
    assert.deepEqual(decoded.problems, [])
    assert.deepEqual(FileDocuments.decodeRun({ kind: "system", job: { codespec: "hello" } }).problems, [
      { path: "kind", message: "System runs cannot be created directly" }
    ])
  })

  test("tyger plan locates it in the file", async () => {
    const run = session()
    run.file("system.yml", "job:\n  codespec: hello\nkind: system\n")
    const result = await run("plan", Path.join(run.dir, "system.yml"))
    assert.equal(result.code, 1)
    assert.match(result.stderr, /^Error: failed to parse file .*system\.yml: line 3: kind: System runs cannot be created directly\n$/)
  })
})
