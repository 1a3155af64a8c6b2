// `tyger completion bash|zsh|fish` and `tyger __complete`: what is offered where, names from the store, and the scripts
// sourced in the real shells (bash always; zsh and fish when installed, else skipped, reason printed).
import assert from "node:assert/strict"
import { execFileSync, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import process from "node:process"
import { PassThrough } from "node:stream"
import { text } from "node:stream/consumers"
import { describe, test } from "node:test"
import * as Cli from "../../../cli/Cli.ts"
import { all } from "../../../cli/Commands.ts"
import { complete } from "../../../cli/root/Candidates.ts"
import { collect, quote, tygerArgv } from "../../support/Cli.ts"
import { tempDir } from "../../support/Run.ts"

const capture = async (env: Readonly<Record<string, string>>, ...args: ReadonlyArray<string>) => {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out = text(stdout)
  const err = text(stderr)
  const code = await Cli.run(args, { stdin: new PassThrough(), stdout, stderr, env, colorDepth: 1 })
  stdout.end()
  stderr.end()
  return { code, stdout: await out, stderr: await err }
}

const tree = Cli.make(await all()).tree()
const values = (...words: ReadonlyArray<string>) => complete(tree, words).candidates.map((c) => c.value)

const installed = (shell: string): boolean => {
  try {
    execFileSync(shell, ["-c", "exit 0"], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

/** A data directory holding a buffer and a codespec, made through the CLI; and its buffer's id. */
const populated = async () => {
  const dataDir = Path.join(tempDir("tyger-complete-"), "data")
  const env = { TYGER_TS_DATA_DIR: dataDir }
  const buffer = await capture(env, "buffer", "create")
  assert.equal(buffer.code, 0, buffer.stderr)
  assert.equal((await capture(env, "codespec", "create", "hello", "--image", "busybox")).code, 0)
  return { dataDir, bufferId: buffer.stdout.trim() }
}

/** A directory with a `tyger` that runs this runtime's CLI, to put first on a shell's PATH. */
const launcherDir = () => {
  const dir = tempDir("tyger-complete-bin-")
  Fs.writeFileSync(Path.join(dir, "tyger"), `#!/bin/sh\nexec ${tygerArgv().map(quote).join(" ")} "$@"\n`, { mode: 0o755 })
  return dir
}

const shell = (program: string, script: string, dataDir: string) =>
  collect(spawn(program, ["-c", script], {
    env: { ...process.env, PATH: `${launcherDir()}:${process.env["PATH"] ?? ""}`, TYGER_TS_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"]
  }))

describe("what completion offers", () => {
  test("commands and subcommands, by name (aliases lead the walk), hidden ones never", () => {
    assert.deepEqual(values("ru"), ["run"])
    assert.deepEqual(values(""), ["login", "logout", "buffer", "codespec", "run", "plan", "apply", "workflow", "help", "completion"])
    assert.deepEqual(values("run", "c"), ["create", "counts", "cancel"])
    assert.deepEqual(values("runs", "sh"), ["show"])
    assert.deepEqual(values("run", "m"), [])
    assert.deepEqual(values("--log-level", "debug", "codespec", ""), ["create", "show", "list"])
    assert.deepEqual(values("help", "run", "w"), ["watch"])
    assert.deepEqual(values("completion", ""), ["bash", "zsh", "fish"])
  })

  test("flags of the command and the global ones, not hidden ones; a flag's choices; files where a file goes", () => {
    assert.deepEqual(values("run", "create", "--ta"), ["--tag"])
    assert.deepEqual(values("run", "create", "--buffer-a"), [])
    assert.deepEqual(values("buffer", "read", "--log-f"), ["--log-format"])
    assert.deepEqual(values("--v"), ["--version"])
    assert.deepEqual(values("run", "list", "--log-level", ""), ["trace", "debug", "info", "warn", "error"])
    assert.deepEqual(values("codespec", "create", "x", "-k", "w"), ["worker"])
    assert.equal(complete(tree, ["run", "create", "-f", ""]).files, true)
    assert.equal(complete(tree, ["plan", ""]).files, true)
    assert.equal(complete(tree, ["run", "create", "--timeout", ""]).files, false)
  })

  test("ids and names from the store where a command takes them, once unless it takes many", () => {
    const stored = (...words: ReadonlyArray<string>) => complete(tree, words).stored
    assert.equal(stored("run", "show", ""), "run")
    assert.equal(stored("runs", "logs", "--follow", "1"), "run")
    assert.equal(stored("run", "show", "12", ""), undefined)
    assert.equal(stored("buffer", "read", ""), "buffer")
    assert.equal(stored("buffer", "delete", "a", ""), "buffer")
    assert.equal(stored("codespec", "get", ""), "codespec")
    assert.equal(stored("run", "exec", "-c", "he"), "codespec")
    assert.equal(stored("workflow", "show", ""), "workflow")
    assert.equal(stored("run", "list", ""), undefined)
    assert.equal(complete(tree, ["--data-dir", "/x", "run", "show", ""]).dataDir, "/x")
  })
})

describe("tyger __complete", () => {
  test("prints the candidates, names from the store, then the directive", async () => {
    const { bufferId, dataDir } = await populated()
    const env = { TYGER_TS_DATA_DIR: dataDir }
    assert.deepEqual(await capture(env, "__complete", "ru"), { code: 0, stdout: "run\tManage runs\n:nofiles\n", stderr: "" })
    assert.deepEqual(await capture(env, "__complete", "buffer", "show", ""), { code: 0, stdout: `${bufferId}\n:nofiles\n`, stderr: "" })
    assert.deepEqual(await capture(env, "__complete", "codespec", "show", "h"), { code: 0, stdout: "hello\tversion 1\n:nofiles\n", stderr: "" })
    assert.deepEqual(await capture(env, "__complete", "codespec", "show", "x"), { code: 0, stdout: ":nofiles\n", stderr: "" })
    assert.deepEqual(await capture(env, "__complete", "run", "show", ""), { code: 0, stdout: ":nofiles\n", stderr: "" })
    assert.deepEqual(await capture(env, "__complete", "plan", ""), { code: 0, stdout: ":files\n", stderr: "" })
  })

  test("never creates a data directory, never prints an error", async () => {
    const dataDir = Path.join(tempDir("tyger-complete-"), "absent")
    const env = { TYGER_TS_DATA_DIR: dataDir }
    assert.deepEqual(await capture(env, "__complete", "buffer", "show", ""), { code: 0, stdout: ":nofiles\n", stderr: "" })
    assert.equal(Fs.existsSync(dataDir), false)
    assert.deepEqual(await capture(env, "__complete", "--data-dir", "/proc/x", "run", "show", ""), { code: 0, stdout: ":nofiles\n", stderr: "" })
    assert.deepEqual(await capture(env, "__complete", "run", "create", "--bogus", "-x", "y"), { code: 0, stdout: ":nofiles\n", stderr: "" })
  })
})

describe("tyger completion", () => {
  test("prints a script per shell; alone, its help", async () => {
    for (const name of ["bash", "zsh", "fish"]) {
      const script = await capture({}, "completion", name)
      assert.equal(script.code, 0)
      assert.match(script.stdout, /__complete/)
    }
    const help = await capture({}, "completion")
    assert.match(help.stdout, /^Generate the autocompletion script for tyger for the specified shell\./)
    assert.deepEqual(await capture({}, "completion", "bash", "x"), {
      code: 1,
      stdout: "",
      stderr: `Error: unknown command "x" for "tyger completion bash"\n`
    })
  })

  test("bash: sourced, the completion function fills COMPREPLY", async () => {
    const { bufferId, dataDir } = await populated()
    const result = await shell("bash", `
      source <(tyger completion bash) || exit 3
      t() { COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); _tyger_complete; echo "\${COMPREPLY[*]}"; }
      t tyger ru
      t tyger run sh
      t tyger --log-level = debug bu
      t tyger buffer show ""
      t tyger run list --log-format ""
    `, dataDir)
    assert.equal(result.stderr, "")
    assert.deepEqual(result.stdout.split("\n"), ["run", "show", "buffer", bufferId, "pretty plain json", ""])
  })

  test("zsh: the script parses, and its function hands zsh the candidates", { skip: installed("zsh") ? false : "zsh is not installed" }, async () => {
    const { dataDir } = await populated()
    const result = await shell("zsh", `
      compdef() { :; }; _describe() { print -rl -- "\${(@P)\${@[-1]}}"; }; _files() { print -r -- FILES; }
      source <(tyger completion zsh) || exit 3
      words=(tyger ru); CURRENT=2; _tyger
      words=(tyger codespec show ""); CURRENT=4; _tyger
      words=(tyger plan ""); CURRENT=3; _tyger
    `, dataDir)
    assert.equal(result.stderr, "")
    assert.deepEqual(result.stdout.split("\n"), ["run:Manage runs", "hello:version 1", "FILES", ""])
    const script = await capture({}, "completion", "zsh")
    const file = Path.join(tempDir("tyger-complete-zsh-"), "_tyger")
    Fs.writeFileSync(file, script.stdout)
    assert.equal((await collect(spawn("zsh", ["-n", file], { stdio: ["ignore", "pipe", "pipe"] }))).code, 0)
  })

  test("fish: the script parses, and fish completes with it", { skip: installed("fish") ? false : "fish is not installed" }, async () => {
    const { dataDir } = await populated()
    const result = await shell("fish", `
      tyger completion fish | source; or exit 3
      complete -C "tyger ru"
      complete -C "tyger codespec show "
    `, dataDir)
    assert.equal(result.stderr, "")
    assert.deepEqual(result.stdout.split("\n"), ["run\tManage runs", "hello\tversion 1", ""])
    const script = await capture({}, "completion", "fish")
    const file = Path.join(tempDir("tyger-complete-fish-"), "tyger.fish")
    Fs.writeFileSync(file, script.stdout)
    assert.equal((await collect(spawn("fish", ["-n", file], { stdio: ["ignore", "pipe", "pipe"] }))).code, 0)
  })
})
