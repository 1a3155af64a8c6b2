// The real entry point in a child process, on the runtime running this test (Tyger's runTygerSucceeds style).
import assert from "node:assert/strict"
import { spawn } from "node:child_process"
import * as Path from "node:path"
import process from "node:process"
import { describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import { collect, tygerArgv } from "../support/Cli.ts"
import { tempDir } from "../support/Run.ts"

const here = (import.meta as { readonly url: string }).url
const root = fileURLToPath(new URL("../../", here))
const main = Path.join(root, "cli", "main.ts")

const runtimeArgs = (): ReadonlyArray<string> => {
  const g = globalThis as { readonly Bun?: unknown; readonly Deno?: unknown }
  if (g.Bun !== undefined) return [main]
  if (g.Deno !== undefined) return ["run", "-A", main]
  // What bin/tyger passes: node:sqlite and type stripping are still "experimental" on Node 22.
  return ["--disable-warning=ExperimentalWarning", main]
}

interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const tyger = (dataDir: string, ...args: ReadonlyArray<string>): Promise<Result> =>
  collect(spawn(process.execPath, [...runtimeArgs(), ...args], {
    cwd: root,
    env: { ...process.env, TYGER_TS_DATA_DIR: dataDir, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"]
  }))

describe("tyger (end to end)", () => {
  test("--version", async () => {
    const dataDir = Path.join(tempDir("tyger-e2e-"), "data")
    assert.deepEqual(await tyger(dataDir, "--version"), { code: 0, stdout: "tyger version 0.1.0\n", stderr: "" })
    assert.deepEqual(await tyger(dataDir, "-v"), { code: 0, stdout: "tyger version 0.1.0\n", stderr: "" })
  })

  test("--version: bin.mjs's early answer is the command's", async () => {
    const dataDir = Path.join(tempDir("tyger-e2e-"), "data")
    const [exe, ...args] = tygerArgv("bin.mjs")
    const viaBin = (flag: string) =>
      collect(spawn(exe!, [...args, flag], { cwd: root, env: { ...process.env, TYGER_TS_DATA_DIR: dataDir }, stdio: ["ignore", "pipe", "pipe"] }))
    for (const flag of ["--version", "-v"]) {
      // A persistent flag first: the `--version` command answers, through main.ts.
      assert.deepEqual(await viaBin(flag), await tyger(dataDir, "--log-level", "info", flag), flag)
    }
  })

  test("codespec create, then show", async () => {
    const dataDir = Path.join(tempDir("tyger-e2e-"), "data")
    const created = await tyger(dataDir, "codespec", "create", "hello", "--image", "busybox", "-i", "input", "-o", "output",
      "--command", "--", "sh", "-c", "cat \"$INPUT_PIPE\" > \"$OUTPUT_PIPE\"")
    assert.deepEqual(created, { code: 0, stdout: "1\n", stderr: "" })
    const shown = await tyger(dataDir, "codespec", "show", "hello")
    assert.equal(shown.stderr, "")
    assert.equal(shown.code, 0)
    assert.match(shown.stdout, /^\{\n {4}"kind": "job",\n {4}"name": "hello",\n {4}"version": 1,\n/)
    assert.match(shown.stdout, /"cat \\"\$INPUT_PIPE\\" \\u003e \\"\$OUTPUT_PIPE\\""\n {4}\]\n {2}\}\n$/)
  })

  test("a failing create: exit code 1, `Error: ...` on stderr, nothing on stdout", async () => {
    const dataDir = Path.join(tempDir("tyger-e2e-"), "data")
    assert.deepEqual(await tyger(dataDir, "codespec", "create", "Foo", "--image", "busybox"), {
      code: 1,
      stdout: "",
      stderr:
        "Error: codespec names must contain only lower case letters (a-z), numbers (0-9), dashes (-), underscores (_), and dots (.)\n"
    })
    assert.deepEqual(await tyger(dataDir, "codespec", "list"), { code: 0, stdout: "[]\n", stderr: "" })
  })
})
