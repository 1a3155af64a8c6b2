// The table of commands (cli/Commands.ts) against the commands themselves, and the same answers from a command
// loaded alone as from the whole CLI.
import assert from "node:assert/strict"
import { PassThrough } from "node:stream"
import { text } from "node:stream/consumers"
import { describe, test } from "node:test"
import * as Cli from "../../cli/Cli.ts"
import { all, COMMANDS, leafOf } from "../../cli/Commands.ts"

const capture = async (...args: ReadonlyArray<string>) => {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out = text(stdout)
  const err = text(stderr)
  const code = await Cli.run(args, { stdin: new PassThrough(), stdout, stderr, env: {}, colorDepth: 1 })
  stdout.end()
  stderr.end()
  return { code, stdout: await out, stderr: await err }
}

describe("commands loaded alone", () => {
  test("the table names each command by its first path, once, and loads that command", async () => {
    const commands = await all()
    assert.equal(new Set(commands).size, COMMANDS.length)
    assert.deepEqual(commands.map((command) => command.paths?.[0]), COMMANDS.map((entry) => entry.path))
  })

  test("every two-word command of the CLI is loaded alone by its first path", async () => {
    const twoWords = (await all()).filter((command) => command.paths?.[0]?.length === 2)
    assert.deepEqual(
      COMMANDS.filter((entry) => entry.path.length === 2).map((entry) => entry.path.join(" ")).sort(),
      twoWords.map((command) => command.paths![0]!.join(" ")).sort()
    )
    for (const command of twoWords) {
      const [group, name] = command.paths![0]!
      assert.equal(await leafOf([group!, name!]), command, `${group} ${name}`)
    }
  })

  test("plural groups load alone; aliases, global flags first and unknown commands get the whole CLI", async () => {
    assert.equal((await leafOf(["runs", "exec", "-c", "x"]))?.paths?.[0]?.join(" "), "run exec")
    assert.equal(await leafOf(["run", "get", "1"]), undefined)
    assert.equal(await leafOf(["--log-level", "debug", "run", "exec"]), undefined)
    assert.equal(await leafOf(["run", "frobnicate"]), undefined)
    assert.equal(await leafOf(["run"]), undefined)
  })

  test("a command loaded alone answers as the whole CLI does: errors and help", async () => {
    for (const args of [["run", "exec", "--bogus"], ["run", "exec", "-c"], ["run", "exec", "--help"], ["codespec", "show"]]) {
      const alone = await capture(...args)
      // A global flag first makes the CLI load every command.
      const whole = await capture("--log-format", "plain", ...args)
      assert.deepEqual(alone, whole, args.join(" "))
    }
  })
})
