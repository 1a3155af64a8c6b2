import assert from "node:assert/strict"
import * as Path from "node:path"
import { describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import { Effect, Layer } from "effect"
import { TRUNCATION_WARNING } from "../../../cli/codespec/list.program.ts"
import { Codespecs } from "../../../engine/codespecs/Codespecs.ts"
import { Store } from "../../../engine/store/Store.ts"
import { tempDir } from "../../support/Run.ts"
import { type CliResult, tyger } from "../Harness.ts"

const here = (import.meta as { readonly url: string }).url
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, here))

const session = () => {
  const dataDir = Path.join(tempDir("tyger-cli-"), "data")
  return (...args: ReadonlyArray<string>) => tyger({ dataDir }, ...args)
}

const succeeds = (result: CliResult, stdout: string) => {
  assert.equal(result.stderr, "")
  assert.equal(result.stdout, stdout)
  assert.equal(result.code, 0)
}

const fails = (result: CliResult, ...lines: ReadonlyArray<string>) => {
  assert.equal(result.stdout, "")
  assert.equal(result.stderr, lines.map((l) => `Error: ${l}\n`).join(""))
  assert.equal(result.code, 1)
}

const CREATED_AT = /^ {4}"createdAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z",$/m

/** Replaces the (time-dependent) createdAt value after checking its Go RFC3339Nano shape. */
const stable = (output: string) => {
  assert.match(output, CREATED_AT)
  return output.replace(/("createdAt": )"[^"]*"/g, "$1\"<createdAt>\"")
}

const BUFFER_MESSAGE = (name: string) =>
  `InvalidInput: The name of buffer '${name}' is invalid. Buffer names must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character.`

const NAME_MESSAGE =
  "codespec names must contain only lower case letters (a-z), numbers (0-9), dashes (-), underscores (_), and dots (.)"

const hello = ["--image", "busybox", "-i", "input", "-o", "output", "--command", "--", "sh", "-c", "cat \"$INPUT_PIPE\" > \"$OUTPUT_PIPE\""]

describe("tyger codespec create", () => {
  test("prints the version; identical specs keep it, a changed env value makes a new one", async () => {
    const run = session()
    succeeds(await run("codespec", "create", "hello", ...hello), "1\n")
    succeeds(await run("codespec", "create", "hello", ...hello), "1\n")
    succeeds(await run("codespecs", "create", "-o", "output", "-i", "input", "hello", "--image", "busybox", "--command", "--", "sh", "-c", "cat \"$INPUT_PIPE\" > \"$OUTPUT_PIPE\""), "1\n")
    succeeds(await run("codespec", "create", "hello", "-e", "A=1", "-e", "B=2", ...hello), "2\n")
    succeeds(await run("codespec", "create", "hello", "-e", "B=2,A=1", ...hello), "2\n")
    succeeds(await run("codespec", "create", "hello", "-e", "B=2", "-e", "A=3", ...hello), "3\n")
  })

  test("Tyger's TestRecreateCodespec", async () => {
    const run = session()
    const latest = ["--command", "--", "echo", "hi I am latest"]
    succeeds(await run("codespec", "create", "re", "--image", "busybee", "--command", "--", "echo", "hi I am first"), "1\n")
    succeeds(await run("codespec", "create", "re", "--image", "busybox", "--gpu", "2", "--memory-request", "2048048", "--env", "os=ubuntu", ...latest), "2\n")
    succeeds(await run("codespec", "create", "re", "--image", "busybox", "--gpu", "2", "--memory-request", "2048048", "--env", "os=ubuntu", ...latest), "2\n")
    succeeds(await run("codespec", "create", "re", "--image", "busybox", "--memory-request", "2048048", "--gpu", "2", "--env", "os=ubuntu", ...latest), "2\n")
    succeeds(await run("codespec", "create", "re", "--image", "busybox", "--memory-request", "2048048", "--gpu", "2", "--env", "os=ubuntu", "--env", "platform=highT", ...latest), "3\n")
    succeeds(await run("codespec", "create", "re", "--image", "busybox", "--gpu", "2", "--memory-request", "2048048", "--env", "platform=highT", "--env", "os=ubuntu", ...latest), "3\n")
    succeeds(await run("codespec", "create", "re", "--image", "busybox", "--memory-request", "2048048", "--gpu", "2", "--env", "platform=highT", "--env", "os=windows", ...latest), "4\n")
  })

  test("invalid codespec names fail and store nothing", async () => {
    const run = session()
    for (const name of ["Foo", "foo bar"]) fails(await run("codespec", "create", name, "--image", "busybox"), NAME_MESSAGE)
    succeeds(await run("codespec", "list"), "[]\n")
    succeeds(await run("codespec", "create", "foo-1_2.9", "--image", "busybox"), "1\n")
  })

  test("invalid buffer names fail with the server's message and store nothing", async () => {
    const run = session()
    for (const name of ["FOO", "foo_bar", "-foo", "bar-"]) {
      fails(await run("codespec", "create", "testinvalidbuffernames", "--image", "busybox", "--input", name), BUFFER_MESSAGE(name))
    }
    succeeds(await run("codespec", "list"), "[]\n")
  })

  test("every problem is reported at once, Tyger's client checks first", async () => {
    const run = session()
    fails(
      await run("codespec", "create", "Bad", "-r", "x", "--kind", "Worker", "-i", "IN", "--cpu-limit", "lots"),
      NAME_MESSAGE,
      "max-replicas must be an integer, got x",
      "worker codespecs cannot have use buffers",
      "cpu limit value is invalid: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      "InvalidInput: The image field is required.",
      BUFFER_MESSAGE("IN")
    )
    fails(await run("codespec", "create", "w", "--image", "i", "--kind", "daemon"),
      "codespec kind must be either 'job', worker' or empty (defaults to 'job')")
    fails(await run("codespec", "create", "j", "--image", "i", "--endpoint", "grpc=5000"), "job codespecs cannot have endpoints")
    succeeds(await run("codespec", "list"), "[]\n")
  })

  test("positional arguments follow cobra's ArgsLenAtDash rules", async () => {
    const run = session()
    fails(await run("codespec", "create"), "if -f|--file is not provided, a name for the codespec is required")
    fails(await run("codespec", "create", "--image", "i", "--", "x"), "if -f|--file is not provided, a name for the codespec is required")
    fails(await run("codespec", "create", "a", "b", "c", "--image", "i"),
      "unexpected positional args [b c]. Container arguments must be preceded by -- and placed at the end of the command-line")
    fails(await run("codespec", "create", "a", "b", "--image", "i", "--", "c"), "unexpected positional args before container args: [b]")
    fails(await run("codespec", "create", "-f", fixture("nameless.yaml"), "--image", "i"), "a name for the codespec must be required")
  })

  test("flag values use pflag's grammar and errors", async () => {
    const run = session()
    fails(await run("codespec", "create", "x", "--image", "i", "-e", "NOVALUE"),
      "invalid argument \"NOVALUE\" for \"-e, --env\" flag: NOVALUE must be formatted as key=value")
    fails(await run("codespec", "create", "x", "--kind", "worker", "--image", "i", "--endpoint", "grpc=port"),
      "invalid argument \"grpc=port\" for \"--endpoint\" flag: strconv.Atoi: parsing \"port\": invalid syntax")
    fails(await run("codespec", "create", "x", "--image"), "flag needs an argument: --image")
    fails(await run("codespec", "create", "x", "--image", "i", "--nope"), "unknown flag: --nope")
    succeeds(await run("codespec", "create", "x", "--image=i", "-ia,b", "-o", "c", "-e", "K=v,with,commas", "-r", "3"), "1\n")
    const shown = stable((await run("codespec", "show", "x")).stdout)
    assert.match(shown, /"inputs": \[\n {8}"a",\n {8}"b"\n {6}\]/)
    assert.match(shown, /"K": "v,with,commas"/)
    assert.match(shown, /"maxReplicas": 3\n {2}\}\n$/)
  })

  test("-- arguments: `args` by default, `command` with --command; -c and $(...) pass through", async () => {
    const run = session()
    succeeds(await run("codespec", "create", "a", "--image", "i", "--", "-c", "$(INPUT_PIPE)", "--image", "--"), "1\n")
    const shown = stable((await run("codespec", "show", "a")).stdout)
    assert.match(shown, /"args": \[\n {6}"-c",\n {6}"\$\(INPUT_PIPE\)",\n {6}"--image",\n {6}"--"\n {4}\]/)
    assert.doesNotMatch(shown, /"command"/)
  })

  test("-f YAML: the file's values, positional name and flags override", async () => {
    const run = session()
    succeeds(await run("codespec", "create", "-f", fixture("codespec.yaml")), "1\n")
    succeeds(await run("codespec", "create", "renamed", "-f", fixture("codespec.yaml"), "--image", "ubuntu", "--cpu-limit", "3"), "1\n")
    const original = stable((await run("codespec", "show", "from-yaml")).stdout)
    assert.match(original, /"name": "from-yaml"/)
    assert.match(original, /"limits": \{\n {8}"cpu": "2",\n {8}"memory": "2G"\n {6}\}/)
    const renamed = stable((await run("codespec", "show", "renamed")).stdout)
    assert.match(renamed, /"name": "renamed"/)
    assert.match(renamed, /"image": "ubuntu"/)
    assert.match(renamed, /"limits": \{\n {8}"cpu": "3",\n {8}"memory": "2G"\n {6}\}/)
    fails(await run("codespec", "create", "-f", "no-such-file.yaml"),
      "failed to read file no-such-file.yaml: open no-such-file.yaml: no such file or directory")
  })

  test("-f workflow.ts: the codespec named NAME", async () => {
    const run = session()
    fails(await run("codespec", "create", "-f", fixture("workflow.ts")),
      `the module ${fixture("workflow.ts")} exports several codespecs ('greeter', 'hello'); name the one to create`)
    fails(await run("codespec", "create", "nope", "-f", fixture("workflow.ts")),
      `the module ${fixture("workflow.ts")} exports no codespec named 'nope'; its codespecs are 'greeter', 'hello'`)
    succeeds(await run("codespec", "create", "hello", "-f", fixture("workflow.ts")), "1\n")
    succeeds(await run("codespec", "create", "hello", ...hello), "1\n")
  })
})

const HELLO_SHOW = `{
    "kind": "job",
    "name": "hello",
    "version": 1,
    "createdAt": "<createdAt>",
    "buffers": {
      "inputs": [
        "input"
      ],
      "outputs": [
        "output"
      ]
    },
    "image": "busybox",
    "command": [
      "sh",
      "-c",
      "cat \\"$INPUT_PIPE\\" \\u003e \\"$OUTPUT_PIPE\\""
    ]
  }
`

describe("tyger codespec show", () => {
  test("prints MarshalIndent(v, \"  \", \"  \") with Go's escaping", async () => {
    const run = session()
    succeeds(await run("codespec", "create", "hello", ...hello), "1\n")
    const result = await run("codespec", "show", "hello")
    assert.equal(result.code, 0)
    assert.equal(stable(result.stdout), HELLO_SHOW)
    const byAlias = await run("codespecs", "get", "hello", "--version", "1")
    assert.equal(byAlias.stdout, result.stdout)
  })

  test("fields in Go struct order, maps sorted, quantities canonical", async () => {
    const run = session()
    succeeds(await run("codespec", "create", "w", "--kind", "worker", "--image", "img", "--endpoint", "b=2,a=1",
      "-e", "Z=1", "-e", "A=<&>", "--identity", "id", "--memory-request", "1024Mi", "--cpu-request", "1000m", "--shm", "1Gi",
      "-r", "2", "--", "x"), "1\n")
    assert.equal(stable((await run("codespec", "show", "w")).stdout), `{
    "kind": "worker",
    "name": "w",
    "version": 1,
    "createdAt": "<createdAt>",
    "image": "img",
    "args": [
      "x"
    ],
    "env": {
      "A": "\\u003c\\u0026\\u003e",
      "Z": "1"
    },
    "identity": "id",
    "resources": {
      "requests": {
        "cpu": "1",
        "memory": "1Gi"
      },
      "shm": "1Gi"
    },
    "maxReplicas": 2,
    "endpoints": {
      "a": 1,
      "b": 2
    }
  }
`)
  })

  test("missing codespec or version: the server's 404", async () => {
    const run = session()
    fails(await run("codespec", "show", "missing"), "NotFound: The resource was not found")
    succeeds(await run("codespec", "create", "hello", ...hello), "1\n")
    fails(await run("codespec", "show", "hello", "--version", "2"), "NotFound: The resource was not found")
    fails(await run("codespec", "show"), "one codespec name positional argument is required")
    fails(await run("codespec", "show", "a", "b", "c"), "unexpected positional arguments after the codespec name: [b c]")
    fails(await run("codespec", "show", "hello", "--version", "one"),
      "invalid argument \"one\" for \"--version\" flag: strconv.ParseInt: parsing \"one\": invalid syntax")
  })
})

const putMany = (dataDir: string, names: ReadonlyArray<string>) => {
  const spec = { kind: "job", image: "busybox" }
  return Effect.runPromise(
    Effect.gen(function*() {
      const codespecs = yield* Codespecs
      yield* Effect.forEach(names, (name) => codespecs.publish(name, spec), { discard: true })
    }).pipe(Effect.provide(Codespecs.layer.pipe(Layer.provide(Store.layer({ dataDir })))))
  )
}

const names = (output: string) => [...output.matchAll(/"name": "([^"]+)"/g)].map((m) => m[1])

describe("tyger codespec list", () => {
  test("latest versions sorted by name; --prefix and --limit", async () => {
    const run = session()
    for (const name of ["b-two", "a-one", "c-three"]) succeeds(await run("codespec", "create", name, "--image", "busybox"), "1\n")
    succeeds(await run("codespec", "create", "b-two", "--image", "ubuntu"), "2\n")
    const all = await run("codespec", "list")
    assert.equal(all.stderr, "")
    assert.deepEqual(names(all.stdout), ["a-one", "b-two", "c-three"])
    assert.match(all.stdout, /^\[\n {4}\{\n {6}"kind": "job",\n {6}"name": "a-one",/)
    assert.match(all.stdout, /"name": "b-two",\n {6}"version": 2,/)
    assert.match(all.stdout, /\n {4}\}\n {2}\]\n$/)
    assert.deepEqual(names((await run("codespec", "list", "--prefix", "b")).stdout), ["b-two"])
    assert.deepEqual(names((await run("codespecs", "list", "-p", "z")).stdout), [])
    succeeds(await run("codespec", "list", "--limit", "0"), "[]\n")
    fails(await run("codespec", "list", "--limit", "-1"), "InvalidInput: Limit must be a non-negative integer.")
    fails(await run("codespec", "list", "extra"), "unknown command \"extra\" for \"tyger codespec list\"")
    // With --limit the client pages and streams: `[`, items joined by `,\n  `, `]`, and never warns.
    const two = await run("codespec", "list", "--limit", "2")
    assert.equal(two.stderr, "")
    assert.deepEqual(names(two.stdout), ["a-one", "b-two"])
    assert.match(two.stdout, /^\[\n {2}\{\n {4}"kind": "job",\n {4}"name": "a-one",[^]*\n {2}\},\n {2}\{\n[^]*\n {2}\}\n\]\n$/)
    const three = await run("codespec", "list", "-l", "3")
    assert.deepEqual(names(three.stdout), ["a-one", "b-two", "c-three"])
    assert.match(three.stdout, /^\[\n {4}\{/)
  })

  test("1001 codespecs: one page, all printed, no warning (Tyger's quirk)", async () => {
    const dataDir = Path.join(tempDir("tyger-cli-"), "data")
    await putMany(dataDir, Array.from({ length: 1001 }, (_, i) => `cs-${String(i).padStart(4, "0")}`))
    const result = await tyger({ dataDir }, "codespec", "list")
    assert.equal(result.stderr, "")
    assert.equal(names(result.stdout).length, 1001)
    assert.match(result.stdout, /^\[\n {4}\{/)
  })

  test("1002 codespecs: 1000 printed, streamed, and the truncation warning", async () => {
    const dataDir = Path.join(tempDir("tyger-cli-"), "data")
    await putMany(dataDir, Array.from({ length: 1002 }, (_, i) => `cs-${String(i).padStart(4, "0")}`))
    const result = await tyger({ dataDir }, "codespec", "list")
    assert.equal(result.code, 0)
    assert.equal(result.stderr, `${TRUNCATION_WARNING}\n`)
    const listed = names(result.stdout)
    assert.equal(listed.length, 1000)
    assert.equal(listed[999], "cs-0999")
    assert.match(result.stdout, /^\[\n {2}\{/)
    assert.match(result.stdout, /\n {2}\}\n\]\n$/)
    const colored = await tyger({ dataDir, terminal: true }, "codespec", "list")
    assert.equal(colored.stderr, `\u001b[33m${TRUNCATION_WARNING}\u001b[0m\n`)
    const noColor = await tyger({ dataDir, terminal: true, env: { NO_COLOR: "1" } }, "codespec", "list")
    assert.equal(noColor.stderr, `${TRUNCATION_WARNING}\n`)
    const limited = await tyger({ dataDir }, "codespec", "list", "--limit", "1002")
    assert.equal(limited.stderr, "")
    assert.equal(names(limited.stdout).length, 1002)
  })
})

describe("tyger (global behaviour)", () => {
  test("group commands need a subcommand; unknown commands and flags are cobra errors", async () => {
    const run = session()
    fails(await run("codespec"), "a command is required")
    fails(await run("codespecs", "frobnicate"), "unknown command \"frobnicate\" for \"tyger codespec\"")
    // cobra's `Find` error: the only one it follows with a pointer to the help.
    const unknown = await run("frobnicate")
    assert.deepEqual(unknown, { code: 1, stdout: "", stderr: "Error: unknown command \"frobnicate\" for \"tyger\"\nRun 'tyger --help' for usage.\n" })
    fails(await run("codespec", "list", "--log-level", "loud"),
      "invalid argument \"loud\" for \"--log-level\" flag: must be 'debug', 'error', 'info', 'trace', 'warn'")
    succeeds(await run("codespec", "list", "--log-format", "json", "--proxy", "none"), "[]\n")
    const plain = await run("--log-level", "DEBUG", "codespec", "list")
    assert.equal(plain.stdout, "[]\n")
    assert.match(plain.stderr, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z DBG data directory: .+\n$/)
    const json = await run("codespec", "list", "--log-level", "debug", "--log-format", "json")
    assert.equal(JSON.parse(json.stderr).level, "debug")
    assert.match(JSON.parse(json.stderr).message, /^data directory: /)
  })

  test("--version, --help and help for a command", async () => {
    const dataDir = Path.join(tempDir("tyger-cli-"), "data")
    const { run } = await import("../../../cli/Cli.ts")
    const { PassThrough } = await import("node:stream")
    const { text } = await import("node:stream/consumers")
    const capture = async (...args: ReadonlyArray<string>) => {
      const stdout = new PassThrough()
      const stderr = new PassThrough()
      const out = text(stdout)
      const code = await run(args, { stdout, stderr, env: {}, colorDepth: 1 })
      stdout.end()
      stderr.end()
      return { code, stdout: await out }
    }
    assert.deepEqual(await capture("--version"), { code: 0, stdout: "tyger version 0.1.0\n" })
    assert.deepEqual(await capture("-v"), { code: 0, stdout: "tyger version 0.1.0\n" })
    assert.deepEqual(await capture("--log-level", "debug", "--version"), { code: 0, stdout: "tyger version 0.1.0\n" })
    const help = await capture("--help")
    assert.equal(help.code, 0)
    assert.match(help.stdout, /^  codespec {4}Manage codespecs$/m)
    const createHelp = await capture("codespec", "create", "--help", "--data-dir", dataDir)
    assert.equal(createHelp.code, 0)
    assert.match(createHelp.stdout, /Create or update a codespec/)
    assert.match(createHelp.stdout, /tyger codespec create hello --image busybox -i input -o output --command -- sh -c/)
    const bare = await capture()
    assert.equal(bare.code, 0)
    assert.equal(bare.stdout, help.stdout)
  })
})
