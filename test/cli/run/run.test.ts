// `tyger run …` in-process: flag parsing, argument checks and the engine's refusals in Tyger's words. The tests that
// create runs need the Docker engine and the test image (skipped, reason printed, without them).
import assert from "node:assert/strict"
import * as Fs from "node:fs"
import * as Path from "node:path"
import process from "node:process"
import { after, describe, test } from "node:test"
import { dataDirLabel, dockerOrSkip, removeLabelled, testImage } from "../../support/Docker.ts"
import { tempDir } from "../../support/Run.ts"
import { type BufferCliResult, fails, tygerWith } from "../buffer/BufferHarness.ts"

const skip = await dockerOrSkip()
const dataDirs: Array<string> = []
after(async () => {
  if (skip !== false) return
  // Finalised runs remove their containers and networks; whatever a failed test left behind goes here.
  for (const dataDir of dataDirs) await removeLabelled(dataDirLabel(dataDir))
})

/** A fresh data directory and working directory; the CLI sees this process's environment (DOCKER_HOST, PATH). */
const session = () => {
  const dir = tempDir("tyger-cli-run-")
  const dataDir = Path.join(dir, "data")
  dataDirs.push(dataDir)
  const env = { ...process.env }
  const run = (...args: ReadonlyArray<string>) => tygerWith({ dataDir, cwd: dir, env }, ...args)
  const withInput = (stdin: string, ...args: ReadonlyArray<string>) => tygerWith({ dataDir, cwd: dir, env, stdin }, ...args)
  const file = (name: string, text: string) => Fs.writeFileSync(Path.join(dir, name), text)
  return Object.assign(run, { dir, dataDir, withInput, file })
}

const hello = ["codespec", "create", "hello", "--image", testImage, "-i", "input", "-o", "output", "--command", "--",
  "sh", "-c", 'inp=$(cat "$INPUT_PIPE"); echo "Hello $inp" > "$OUTPUT_PIPE"'] as const

const json = (result: BufferCliResult) => {
  assert.equal(result.stderr, "")
  assert.equal(result.code, 0)
  return JSON.parse(result.stdout) as Record<string, unknown> & { readonly job: Record<string, unknown> }
}

const waitFor = async (condition: () => Promise<boolean>, what: string, timeoutMillis = 60_000) => {
  const deadline = Date.now() + timeoutMillis
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe("tyger run: arguments and errors", () => {
  test("the group needs a subcommand; `runs` is an alias", async () => {
    const run = session()
    fails(await run("run"), "a command is required")
    fails(await run("runs", "bogus"), "unknown command \"bogus\" for \"tyger run\"")
    fails(await run("run", "create", "extra"), "unknown command \"extra\" for \"tyger run create\"")
    fails(await run("runs", "exec", "-c", "hello", "extra"), "unknown command \"extra\" for \"tyger run exec\"")
  })

  test("flag values are read as pflag reads them, before anything else", async () => {
    const run = session()
    fails(await run("run", "create", "-c", "hello", "-r", "x"),
      "invalid argument \"x\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"x\": invalid syntax")
    fails(await run("run", "create", "-c", "hello", "--worker-replicas", "y"),
      "invalid argument \"y\" for \"--worker-replicas\" flag: strconv.ParseInt: parsing \"y\": invalid syntax")
    fails(await run("run", "create", "-b", "input"),
      "invalid argument \"input\" for \"-b, --buffer\" flag: input must be formatted as key=value")
    fails(await run("run", "create", "--tag", "novalue"),
      "invalid argument \"novalue\" for \"--tag\" flag: novalue must be formatted as key=value")
    fails(await run("run", "exec", "-c", "hello", "--write-dop", "z"),
      "invalid argument \"z\" for \"--write-dop\" flag: strconv.ParseInt: parsing \"z\": invalid syntax")
    fails(await run("run", "exec", "-c", "hello", "--block-size", "4X"), "units: unknown unit XB in 4XB")
    fails(await run("run", "create", "--unknown"), "unknown flag: --unknown")
  })

  test("Tyger's own checks: buffer TTL, timeout, access TTL, a codespec for the job", async () => {
    const run = session()
    fails(await run("run", "create", "-c", "hello", "--buffer-ttl", "1.2"), "invalid buffer TTL format: 1.2 (should be D.HH:MM)")
    fails(await run("run", "create", "-c", "hello", "--buffer-ttl", "1.24:00"), "invalid buffer TTL format: 1.24:00 (should be D.HH:MM)")
    fails(await run("run", "create", "-c", "hello", "--timeout", "5x"), "time: unknown unit \"x\" in duration \"5x\"")
    fails(await run("run", "create", "-c", "hello", "--buffer-access-ttl", "1.24"), "invalid hours in TTL format: '1.24'")
    fails(await run("run", "create"), "a codespec for the job must be specified")
    fails(await run("run", "exec", "--tag", "a=b"), "a codespec for the job must be specified")
  })

  test("run files: unreadable, unknown fields, a codespec from flags completes the file", async () => {
    const run = session()
    fails(await run("run", "create", "-f", "missing.yml"), "failed to read file missing.yml: open missing.yml: no such file or directory")
    run.file("bad.yml", "job:\n  codespec: hello\n  colour: blue\n")
    const bad = await run("run", "create", "-f", "bad.yml")
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /^Error: failed to parse file bad\.yml: line 3: job\.colour: /)
    run.file("partial.yml", "job:\n  buffers:\n    input: abc\n")
    fails(await run("run", "create", "-f", "partial.yml"), "a codespec for the job must be specified")
    // With -c the file is complete; what fails now is the reference, resolved by the engine.
    fails(await run("run", "create", "-f", "partial.yml", "-c", "hello"), "InvalidInput: The codespec 'hello' was not found")
  })

  test("codespec references: Tyger's server messages", async () => {
    const run = session()
    fails(await run("run", "create", "-c", "nope"), "InvalidInput: The codespec 'nope' was not found")
    fails(await run("run", "exec", "--codespec", "nope"), "InvalidInput: The codespec 'nope' was not found")
    assert.equal((await run(...hello)).stdout, "1\n")
    fails(await run("run", "create", "-c", "hello", "--version", "3"),
      "InvalidInput: The version '3' of codespec 'hello' was not found. The latest version is '1'.")
    fails(await run("run", "create", "-c", "Hello"),
      "InvalidInput: The codespec reference 'Hello' is invalid. It should be in the form '<codespec_name>' or '<codespec_name>/versions/<version_number>'.")
    fails(await run("run", "create", "-c", "hello", "--version", "x"),
      "InvalidInput: The codespec reference 'hello/versions/x' is invalid. It should be in the form '<codespec_name>' or '<codespec_name>/versions/<version_number>'.")
    fails(await run("run", "create", "-c", "hello", "--tag", "bad key=x"),
      "InvalidInput: Tag keys must contain up to 128 letters (a-z, A-Z), numbers (0-9) and underscores (_)")
    fails(await run("run", "create", "-c", "hello", "-b", "nope=abc"),
      "InvalidInput: Buffer argument 'nope' does not correspond to a buffer parameter on the codespec")
  })

  test("--worker-* flags make a distributed run, which needs a worker codespec", async () => {
    const run = session()
    await run(...hello)
    assert.equal((await run("codespec", "create", "w", "--kind", "worker", "--image", testImage, "--endpoint", "api=80")).code, 0)
    fails(await run("run", "create", "-c", "hello", "--worker-codespec", "hello"),
      "InvalidInput: the worker target needs a worker codespec, but the codespec is a job codespec")
    // A worker flag without a worker codespec still makes a worker target, which then lacks its codespec.
    const noCodespec = await run("run", "create", "-c", "hello", "--worker-node-pool", "gpu")
    assert.equal(noCodespec.code, 1)
    assert.match(noCodespec.stderr, /a codespec for the worker must be specified/)
  })

  test("exec: at most one unmapped input and one unmapped output buffer", async () => {
    const run = session()
    await run("codespec", "create", "two-in", "--image", testImage, "-i", "a,b", "-o", "c")
    await run("codespec", "create", "two-out", "--image", testImage, "-i", "a", "-o", "b,c")
    fails(await run("run", "exec", "-c", "two-in"), "exec cannot be called if the job has multiple unmapped input buffers")
    fails(await run("run", "exec", "-c", "two-out"), "exec cannot be called if the job has multiple unmapped output buffers")
  })

  test("show, watch, logs, cancel, set: unknown runs and positional arguments", async () => {
    const run = session()
    fails(await run("run", "show"), "one run name positional argument is required")
    fails(await run("run", "show", "1", "2"), "unexpected positional arguments after the run name: [2]")
    fails(await run("run", "show", "999"), "NotFound: The resource was not found")
    fails(await run("run", "get", "abc"), "NotFound: The resource was not found")
    fails(await run("run", "watch", "abc"), "strconv.ParseInt: parsing \"abc\": invalid syntax")
    const watched = await run("run", "watch", "999")
    assert.equal(watched.code, 1)
    assert.match(watched.stderr,
      /^\S+ ERR error watching run error="NotFound: The resource was not found"\nError: NotFound: The resource was not found\n$/)
    fails(await run("run", "logs"), "one run ID positional argument is required")
    fails(await run("run", "logs", "999"), "unexpected status code 404 Not Found")
    fails(await run("run", "logs", "1", "--tail", "x"),
      "invalid argument \"x\" for \"--tail\" flag: strconv.ParseInt: parsing \"x\": invalid syntax")
    fails(await run("run", "logs", "1", "--since", "whenever"), "failed to parse time whenever")
    fails(await run("run", "cancel", "999"), "NotFound: The resource was not found")
    fails(await run("run", "stop"), "one run name positional argument is required")
    fails(await run("run", "set", "999", "--tag", "a=b"), "NotFound: The resource was not found")
    fails(await run("run", "set"), "one Run ID positional argument is required")
  })

  test("list and counts of nothing; their flags", async () => {
    const run = session()
    assert.deepEqual(await run("run", "list"), { code: 0, stdout: "[]\n", stderr: "", bytes: new TextEncoder().encode("[]\n") })
    assert.equal((await run("run", "counts")).stdout, "{}\n")
    assert.equal((await run("runs", "count", "--since", "2024-01-25", "--tag", "a=b")).stdout, "{}\n")
    fails(await run("run", "list", "--status", "done"),
      "invalid argument \"done\" for \"--status\" flag: must be 'Canceled', 'Canceling', 'Failed', 'Pending', 'Running', 'Succeeded'")
    fails(await run("run", "list", "--since", "the day before"), "failed to parse time the day before")
    fails(await run("run", "counts", "-s", "x"), "failed to parse time x")
    fails(await run("run", "list", "--limit", "-5"), "InvalidInput: Limit must be a non-negative integer.")
    assert.equal((await run("run", "list", "--status", "RUNNING,failed", "--status", "pending", "-l", "0")).stdout, "[]\n")
  })

  test("help lists the run commands and their flags, not the hidden ones", async () => {
    const run = session()
    const help = await run("run", "--help")
    assert.match(help.stdout, /^  exec /m)
    assert.doesNotMatch(help.stdout, /monitor/)
    const create = await run("run", "create", "--help")
    assert.match(create.stdout, /--worker-codespec/)
    assert.doesNotMatch(create.stdout, /--buffer-access-ttl/)
  })
})

describe("tyger run on Docker (in-process)", { skip }, () => {
  test("exec: stdin to the input buffer, the output buffer to stdout", async () => {
    const run = session()
    await run(...hello)
    const result = await run.withInput("Paul\n", "run", "exec", "-c", "hello", "--buffer-tag", "a=b", "--buffer-ttl", "1.00:00",
      "--tag", "x=y", "--timeout", "1.5h")
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, "Hello Paul\n")
    const shown = json(await run("run", "show", "1"))
    assert.equal(shown["timeoutSeconds"], 5400)
    assert.deepEqual(shown["tags"], { x: "y" })
    assert.deepEqual(shown.job["tags"], { a: "b" })
    assert.equal(shown.job["bufferTtl"], "1.00:00:00")
    const buffers = shown.job["buffers"] as Record<string, string>
    const input = json(await run("buffer", "show", buffers["input"]!))
    assert.deepEqual(input["tags"], { a: "b", bufferName: "input" })
    assert.equal(typeof input["expiresAt"], "string")
  })

  test("create: the detached monitor runs it to the end; list pages; set merges", async () => {
    const run = session()
    await run(...hello)
    const first = await run("run", "create", "-c", "hello", "--tag", "n=1")
    assert.deepEqual([first.code, first.stdout, first.stderr], [0, "1\n", ""])
    const created = json(await run("run", "show", "1"))
    const buffers = created.job["buffers"] as Record<string, string>
    assert.equal((await run.withInput("Paul\n", "buffer", "write", buffers["input"]!)).code, 0)
    assert.equal((await run("buffer", "read", buffers["output"]!)).stdout, "Hello Paul\n")
    await waitFor(async () => json(await run("run", "show", "1"))["status"] === "Succeeded", "run 1 to succeed")
    // The monitor's log is removed when it had nothing to say.
    await waitFor(async () => !Fs.existsSync(Path.join(run.dataDir, "monitors", "1.log")), "the monitor to exit")

    assert.equal((await run("run", "create", "-c", "hello", "--tag", "n=2")).stdout, "2\n")
    const paged = await run("run", "list", "--limit", "1")
    assert.equal(paged.code, 0)
    assert.match(paged.stdout, /^\[\n {2}\{\n {4}"id": 2,\n/)
    assert.match(paged.stdout, /\n {2}\}\n\]\n$/)
    const tagged = JSON.parse((await run("run", "list", "--tag", "n=1")).stdout) as Array<{ id: number }>
    assert.deepEqual(tagged.map((r) => r.id), [1])
    assert.deepEqual(JSON.parse((await run("run", "list", "--status", "succeeded")).stdout).map((r: { id: number }) => r.id), [1])
    const set = json(await run("run", "set", "1", "--tag", "m=3"))
    assert.deepEqual(set["tags"], { m: "3", n: "1" })
    fails(await run("run", "set", "1", "--clear-tags", "--etag", "0"), "unexpected status code 412 Precondition Failed")
    assert.deepEqual(await run("run", "cancel", "2"), {
      code: 0,
      stdout: "Job 2 has been canceled\n",
      stderr: "",
      bytes: new TextEncoder().encode("Job 2 has been canceled\n")
    })
  })

  test("the Docker provider's refusals: missing images, buffers, replicated jobs with outputs", async () => {
    const run = session()
    run.file("missing.yml", "job:\n  codespec:\n    image: tyger-test/missing:none\n")
    fails(await run("run", "create", "-f", "missing.yml"),
      "InvalidInput: The image 'tyger-test/missing:none' was not found on the system. Run `docker pull tyger-test/missing:none` and try again.")
    await run(...hello)
    fails(await run("run", "create", "-c", "hello", "-b", "input=aaaaaaaaaaaaaaaaaaaaaaaaaa"),
      "InvalidInput: The buffer 'aaaaaaaaaaaaaaaaaaaaaaaaaa' was not found")
    fails(await run("run", "create", "-c", "hello", "-r", "2"),
      "InvalidInput: a job with 2 replicas cannot have output buffers (output): a buffer has exactly one writer")
    assert.equal((await run("run", "list")).stdout, "[]\n")
  })
})
