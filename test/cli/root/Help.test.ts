// Help as cobra prints Tyger's: value names instead of clipanion's `#0`, global flags listed once, `tyger help`, and
// cobra's unknown-command error. In-process, on the real command table.
import assert from "node:assert/strict"
import { PassThrough } from "node:stream"
import { text } from "node:stream/consumers"
import { describe, test } from "node:test"
import * as Cli from "../../../cli/Cli.ts"
import { all } from "../../../cli/Commands.ts"
import * as CommandTree from "../../../cli/root/CommandTree.ts"
import * as FlagHelp from "../../../cli/root/FlagHelp.ts"
import { flagTable } from "../../../cli/root/HelpText.ts"
import { didYouMean, distance } from "../../../cli/root/Suggestions.ts"

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

const helpOf = async (...args: ReadonlyArray<string>) => {
  const result = await capture(...args)
  assert.equal(result.stderr, "", args.join(" "))
  assert.equal(result.code, 0, args.join(" "))
  return result.stdout
}

/** The lines of one section (`Flags:`, `Global Flags:` …) of a help text. */
const section = (help: string, title: string): ReadonlyArray<string> => {
  const start = help.split("\n").indexOf(`${title}:`)
  if (start < 0) return []
  const rest = help.split("\n").slice(start + 1)
  const end = rest.indexOf("")
  return end < 0 ? rest : rest.slice(0, end)
}

describe("tyger --help", () => {
  test("the root lists its commands, its flags with value names, and how to go further", async () => {
    const help = await helpOf("--help")
    const lines = help.split("\n")
    assert.deepEqual(lines.slice(0, 1), ["A command-line interface to the Tyger control plane."])
    assert.deepEqual(section(help, "Usage"), ["  tyger [command]"])
    assert.deepEqual(section(help, "Available Commands").map((l) => l.trim().split(/\s+/)[0]),
      ["login", "logout", "buffer", "codespec", "run", "plan", "apply", "workflow", "help", "completion"])
    assert.match(help, /^ {2}run {9}Manage runs$/m)
    assert.deepEqual(section(help, "Flags").map((l) => l.trim().split(/ {2,}/)[0]),
      ["--proxy PROXY", "--log-level LEVEL", "--log-format FORMAT", "--data-dir DIR", "-v, --version"])
    assert.deepEqual(section(help, "Global Flags"), [])
    assert.equal(lines.at(-2), `Use "tyger [command] --help" for more information about a command.`)
    assert.equal(await helpOf("-h"), help)
    assert.equal(await helpOf("help"), help)
    assert.equal(await helpOf(), help)
  })

  test("a command's usage line is Tyger's; its own flags and the global ones are listed apart, once", async () => {
    const help = await helpOf("run", "create", "--help")
    assert.match(help, /^Creates a run\. Writes the run ID to stdout on success\.\n/)
    assert.deepEqual(section(help, "Usage"), ["  tyger run create [--file YAML_SPEC] [other flags]"])
    const flags = section(help, "Flags")
    assert.ok(flags.some((l) => /^ {6}--tag KEY=VALUE {3,}A key-value tag to be added to the run\. Can be specified multiple times\.$/.test(l)),
      flags.join("\n"))
    assert.ok(flags.some((l) => l.startsWith("      --timeout DURATION ")))
    assert.ok(flags.some((l) => l.startsWith("  -c, --codespec CODESPEC ")))
    assert.ok(flags.some((l) => /^ {6}--pull {3,}Pull container images/.test(l)))
    assert.ok(!flags.some((l) => l.includes("--log-level") || l.includes("--buffer-access-ttl")))
    assert.deepEqual(section(help, "Global Flags").map((l) => l.trim().split(/ {2,}/)[0]),
      ["--proxy PROXY", "--log-level LEVEL", "--log-format FORMAT", "--data-dir DIR"])
    assert.equal(help.match(/--log-level/g)?.length, 1)
  })

  test("groups list their subcommands and aliases as cobra does", async () => {
    const help = await helpOf("run", "--help")
    assert.deepEqual(section(help, "Usage"), ["  tyger run", "  tyger run [command]"])
    assert.deepEqual(section(help, "Aliases"), ["  run, runs"])
    assert.deepEqual(section(help, "Available Commands").map((l) => l.trim().split(/\s+/)[0]),
      ["create", "exec", "show", "watch", "logs", "list", "set", "counts", "cancel"])
    assert.match(help, /Use "tyger run \[command\] --help" for more information about a command\.\n$/)
    assert.equal(await helpOf("runs", "--help"), help)
    assert.deepEqual(section(await helpOf("run", "show", "--help"), "Aliases"), ["  show, get"])
  })

  test("no help text shows clipanion's `#0`", async () => {
    // `__complete` (hidden) reads its words unparsed, `--help` included.
    const commands = (await all()).filter((c) => c.paths?.[0]?.every((w) => !w.startsWith("-")) && c.usage !== undefined)
    for (const command of commands) {
      const help = await helpOf(...command.paths![0]!, "--help")
      assert.doesNotMatch(help, /#\d/, command.paths![0]!.join(" "))
      assert.match(help, /^Usage:\n {2}tyger /m, command.paths![0]!.join(" "))
    }
  })

  test("`tyger help X…` prints what `tyger X… --help` prints, a command loaded alone included", async () => {
    for (const words of [["run"], ["run", "create"], ["codespec", "show"], ["buffer", "read"], ["completion", "bash"], ["help"]]) {
      assert.equal(await helpOf("help", ...words), await helpOf(...words, "--help"), words.join(" "))
    }
    // cobra's Find stops at the first word that is no subcommand.
    assert.equal(await helpOf("help", "run", "frobnicate"), await helpOf("run", "--help"))
    assert.equal(await helpOf("-h", "run"), await helpOf("run", "--help"))
  })

  test("an unknown help topic: cobra's words, then the root's usage", async () => {
    const help = await helpOf("help", "frobnicate")
    assert.match(help, /^Unknown help topic \[`frobnicate`\]\nUsage:\n {2}tyger \[command\]\n/)
    assert.ok(help.endsWith(`Use "tyger [command] --help" for more information about a command.\n`))
  })
})

describe("unknown commands", () => {
  test("at the root: cobra's error, its suggestions, and a pointer to the help; exit code 1", async () => {
    assert.deepEqual(await capture("frobnicate"), {
      code: 1,
      stdout: "",
      stderr: `Error: unknown command "frobnicate" for "tyger"\nRun 'tyger --help' for usage.\n`
    })
    assert.deepEqual(await capture("ru"), {
      code: 1,
      stdout: "",
      stderr: `Error: unknown command "ru" for "tyger"\n\nDid you mean this?\n\trun\n\nRun 'tyger --help' for usage.\n`
    })
    assert.equal((await capture("--log-level", "debug", "bufer")).stderr,
      `Error: unknown command "bufer" for "tyger"\n\nDid you mean this?\n\tbuffer\n\nRun 'tyger --help' for usage.\n`)
  })

  test("under a group: Tyger's group refuses the argument itself (cobra's NoArgs), without the pointer", async () => {
    assert.deepEqual(await capture("run", "frobnicate"), {
      code: 1,
      stdout: "",
      stderr: `Error: unknown command "frobnicate" for "tyger run"\n`
    })
  })

  test("suggestions: within two edits, ignoring case, or a prefix", () => {
    assert.equal(distance("kitten", "sitting"), 3)
    assert.equal(distance("RUN", "run"), 0)
    assert.equal(didYouMean("cod", ["codespec", "run"]), "\n\nDid you mean this?\n\tcodespec\n")
    assert.equal(didYouMean("xyz", ["codespec", "run"]), "")
  })
})

describe("flag help metadata", () => {
  test("a value name is attached where the flag is declared, derived when absent, and none for booleans", () => {
    const declared = (names: ReadonlyArray<string>, arity: number) => ({ names, arity })
    const tag = declared(["--tag"], 1)
    const wrapped = FlagHelp.value("KEY=VALUE", { definition: (builder: { options: Array<unknown> }) => builder.options.push(tag) })
    wrapped.definition({ options: [] })
    assert.deepEqual(FlagHelp.noteOf(tag), { value: "KEY=VALUE", choices: [], global: false })
    assert.deepEqual(FlagHelp.noteOf(declared(["--worker-node-pool"], 1)), { value: "WORKER_NODE_POOL", choices: [], global: false })
    assert.deepEqual(FlagHelp.noteOf(declared(["-k", "--kind"], 0)), { value: undefined, choices: [], global: false })
  })

  test("pflag's table: shorthand column, value names, descriptions aligned three spaces after the longest", () => {
    const flag = (long: string, short: string | undefined, value: string | undefined, description: string): CommandTree.Flag =>
      ({ long, short, value, choices: [], description, hidden: false, global: false })
    assert.equal(flagTable([flag("--codespec", "-c", "CODESPEC", "a"), flag("--pull", undefined, undefined, "b")]),
      "  -c, --codespec CODESPEC   a\n      --pull                b")
  })
})
