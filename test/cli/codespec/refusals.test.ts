// `tyger codespec create|show` refusing what must not be stored (issue 14, items 5-7): each refusal exits 1 with
// `Error: ...` lines, no stack trace, and leaves `codespec list` empty.
import assert from "node:assert/strict"
import * as Fs from "node:fs"
import * as Path from "node:path"
import process from "node:process"
import { describe, test } from "node:test"
import { tempDir } from "../../support/Run.ts"
import { type CliResult, tyger } from "../Harness.ts"

const session = () => {
  const dir = tempDir("tyger-cli-refusals-")
  const dataDir = Path.join(dir, "data")
  const run = (...args: ReadonlyArray<string>) => tyger({ dataDir }, ...args)
  const file = (name: string, text: string) => {
    const path = Path.join(dir, name)
    Fs.writeFileSync(path, text)
    return path
  }
  return Object.assign(run, { dir, file })
}

const fails = (result: CliResult, ...lines: ReadonlyArray<string>) => {
  assert.equal(result.stdout, "")
  assert.equal(result.stderr, lines.map((l) => `Error: ${l}\n`).join(""))
  assert.equal(result.code, 1)
}

const nothingStored = async (run: ReturnType<typeof session>) => {
  const list = await run("codespec", "list")
  assert.equal(list.stdout, "[]\n")
  assert.equal(list.code, 0)
}

const ENV_RULE = "Environment variable names must consist of letters, digits, '_', '-' or '.', and must not start with a digit."
const imageMessage = (shown: string) =>
  `InvalidInput: The image '${shown}' is not a valid image reference. It should be in the form '[registry/]repository[:tag][@digest]', e.g. 'ubuntu:24.04'.`

describe("codespec create refuses names and values that must not be stored", () => {
  test("an empty NAME is no name", async () => {
    const run = session()
    fails(await run("codespec", "create", "", "--image", "busybox"), "if -f|--file is not provided, a name for the codespec is required")
    const file = run.file("named.yml", "name: fromfile\nimage: busybox\n")
    fails(await run("codespec", "create", "", "-f", file), "a name for the codespec must be required")
    await nothingStored(run)
  })

  test("a 10 MB name, buffer name or env key", async () => {
    const run = session()
    const huge = "a".repeat(10 * 1024 * 1024)
    fails(await run("codespec", "create", huge, "--image", "busybox"), "codespec names must be at most 253 characters long")
    fails(await run("codespec", "create", "c", "--image", "busybox", "-i", huge),
      `InvalidInput: The name of buffer '${"a".repeat(64)}...' is invalid. Buffer names must be at most 63 characters long.`)
    fails(await run("codespec", "create", "c", "--image", "busybox", "-e", `${huge}=1`),
      `InvalidInput: The environment variable name '${"a".repeat(64)}...' is invalid. Environment variable names must be at most 253 characters long.`)
    await nothingStored(run)
  })

  test("-i '' and -o '' are empty buffer names, not none", async () => {
    const run = session()
    fails(await run("codespec", "create", "c", "--image", "busybox", "-i", ""), "InvalidInput: A buffer name cannot be empty")
    fails(await run("codespec", "create", "c", "--image", "busybox", "-i", "in", "-o", ""), "InvalidInput: A buffer name cannot be empty")
    await nothingStored(run)
  })

  test("negative and unrepresentable quantities", async () => {
    const run = session()
    fails(await run("codespec", "create", "c", "--image", "busybox", "--memory-limit=-1", "--gpu=-1", "--cpu-limit=1e400"),
      "cpu limit value is invalid: must be at most 9223372036854775807m, got '10e399'",
      "memory limit value is invalid: must be greater than or equal to 0, got '-1'",
      "gpu value is invalid: must be greater than or equal to 0, got '-1'")
    // Kubernetes' parse errors still come first, in Tyger's words.
    fails(await run("codespec", "create", "c", "--image", "busybox", "--shm", "lots", "--cpu-request=-1"),
      "shm value is invalid: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      "cpu request value is invalid: must be greater than or equal to 0, got '-1'")
    const file = run.file("q.yml", "name: q\nimage: busybox\nresources:\n  limits:\n    memory: \"-1Gi\"\n")
    fails(await run("codespec", "create", "-f", file), "memory limit value is invalid: must be greater than or equal to 0, got '-1Gi'")
    await nothingStored(run)
  })

  test("env keys: empty, with '=', with NUL", async () => {
    const run = session()
    fails(await run("codespec", "create", "c", "--image", "busybox", "-e", "=x"),
      "InvalidInput: An environment variable name cannot be empty")
    fails(await run("codespec", "create", "c", "--image", "busybox", "-e", "A\u0000B=x"),
      `InvalidInput: The environment variable name 'A\\u0000B' is invalid. ${ENV_RULE}`)
    const file = run.file("env.yml", "name: c\nimage: busybox\nenv:\n  \"A=B\": x\n")
    fails(await run("codespec", "create", "-f", file), `InvalidInput: The environment variable name 'A=B' is invalid. ${ENV_RULE}`)
    await nothingStored(run)
  })

  test("image references with spaces or newlines", async () => {
    const run = session()
    fails(await run("codespec", "create", "c", "--image", "busy box"), imageMessage("busy box"))
    fails(await run("codespec", "create", "c", "--image", "busybox\nrm -rf /"), imageMessage("busybox\\nrm -rf /"))
    await nothingStored(run)
    assert.equal((await run("codespec", "create", "c", "--image", "localhost:5000/team/app:1.0")).stdout, "1\n")
  })
})

describe("codespec create -f refuses hostile files", () => {
  test("a directory, as Go's os.ReadFile says it", async () => {
    const run = session()
    fails(await run("codespec", "create", "c", "-f", run.dir), `failed to read file ${run.dir}: read ${run.dir}: is a directory`)
    await nothingStored(run)
  })

  // A FIFO no writer opens is given up on after a bounded wait: test/engine/files/HostileFiles.test.ts.
  test("/dev/zero is not read forever", { skip: process.platform === "win32" }, async () => {
    const run = session()
    fails(await run("codespec", "create", "c", "-f", "/dev/zero"), "failed to read file /dev/zero: read /dev/zero: the file is larger than 1 MiB")
    await nothingStored(run)
  })

  test("a file over 1 MiB", async () => {
    const run = session()
    const file = run.file("big.yml", `image: busybox\nargs: ["${"x".repeat(1024 * 1024)}"]\n`)
    fails(await run("codespec", "create", "c", "-f", file), `failed to read file ${file}: read ${file}: the file is larger than 1 MiB`)
    await nothingStored(run)
  })

  test("aliases expanding a 1 MB anchor 99 times", async () => {
    const run = session()
    const file = run.file("bomb.yml", `image: busybox\nargs:\n  - &a ${"x".repeat(1_000_000)}\n${"  - *a\n".repeat(99)}`)
    fails(await run("codespec", "create", "c", "-f", file), `failed to parse file ${file}: line 3: the document's aliases expand it beyond 1 MiB`)
    await nothingStored(run)
  })

  test("deep nesting in YAML and JSON", async () => {
    const run = session()
    const yaml = run.file("deep.yml", `image: busybox\nenv: ${"[".repeat(5000)}${"]".repeat(5000)}\n`)
    fails(await run("codespec", "create", "c", "-f", yaml), `failed to parse file ${yaml}: line 2: the document nests deeper than 100 levels`)
    const json = run.file("deep.json", `{"image": "busybox", "env": ${"{\"a\": ".repeat(5000)}1${"}".repeat(5000)}}`)
    fails(await run("codespec", "create", "c", "-f", json), `failed to parse file ${json}: line 1: the document nests deeper than 100 levels`)
    await nothingStored(run)
  })

  test("!!set and other tags are refused, not dropped", async () => {
    const run = session()
    const file = run.file("set.yml", "image: busybox\nenv: !!set {a, b}\n")
    fails(await run("codespec", "create", "c", "-f", file),
      `failed to parse file ${file}: line 2: the YAML tag '!!set' is not supported: write plain maps, sequences and scalars`)
    await nothingStored(run)
  })
})

describe("codespec show --version", () => {
  test("a version no int32 holds is Tyger's 404, not a schema failure", async () => {
    const run = session()
    assert.equal((await run("codespec", "create", "c", "--image", "busybox")).stdout, "1\n")
    for (const version of ["999999999999999999", "2147483648", "-2147483649"]) {
      fails(await run("codespec", "show", "c", "--version", version), "NotFound: The resource was not found")
    }
    fails(await run("codespec", "show", "c", "--version", "99999999999999999999"),
      "invalid argument \"99999999999999999999\" for \"--version\" flag: strconv.ParseInt: parsing \"99999999999999999999\": value out of range")
    const shown = await run("codespec", "show", "c", "--version", "1")
    assert.equal(shown.code, 0)
  })
})
