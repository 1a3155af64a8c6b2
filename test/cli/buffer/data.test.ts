import assert from "node:assert/strict"
import { createHash } from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { describe, test } from "node:test"
import { tempDir } from "../../support/Run.ts"
import { fails, fatal, session, succeeds } from "./BufferHarness.ts"

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")

const newBuffer = async (run: ReturnType<typeof session>) => (await run("buffer", "create")).stdout.trim()

describe("tyger buffer gen", () => {
  test("Tyger's deterministic bytes and size units", async () => {
    const run = session()
    succeeds(await run("buffer", "gen", "70"), ":;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxy:;<=>?")
    const threeMiB = await run("buffer", "gen", "3MiB")
    assert.equal(threeMiB.bytes.length, 3 * 1024 * 1024)
    assert.equal(sha256(threeMiB.bytes), "09d7daed99c15bcee48dfa269c7597a1036a371c90100dda6f4fdcfe7ab79385")
    assert.equal((await run("buffer", "gen", "1K")).bytes.length, 1024)
    assert.equal((await run("buffer", "gen", "1.5KB")).bytes.length, 1536)
    succeeds(await run("buffer", "gen", "0"), "")
    const dir = tempDir("tyger-cli-gen-")
    succeeds(await run.with({ cwd: dir }, "buffer", "gen", "2K", "-o", "out.bin"), "")
    assert.equal(Fs.readFileSync(Path.join(dir, "out.bin")).length, 2048)
  })

  test("errors: the units library's, cobra's argument count, the output file", async () => {
    const run = session()
    fails(await run("buffer", "gen", "foo"), "units: invalid fooB")
    fails(await run("buffer", "gen", "1kB"), "units: unknown unit kB in 1kB")
    fails(await run("buffer", "gen"), "accepts 1 arg(s), received 0")
    fails(await run("buffer", "gen", "1", "2"), "accepts 1 arg(s), received 2")
    fatal(
      await run("buffer", "gen", "1K", "-o", "/nonexistent/dir/out.bin"),
      "Unable to open output file for writing error=\"open /nonexistent/dir/out.bin: no such file or directory\""
    )
  })
})

describe("tyger buffer access", () => {
  test("a read URL, a write URL, Tyger's errors", async () => {
    const run = session()
    const id = await newBuffer(run)
    const read = await run("buffer", "access", id)
    assert.match(read.stdout, new RegExp(`^file://\\S+/${id}\\?sv=0\\.1\\.0&sp=r&st=\\S+&se=\\S+&sig=\\S+\\n$`))
    assert.equal(read.stderr, "")
    assert.match((await run("buffer", "access", id, "-w")).stdout, /&sp=cr&/)
    assert.match((await run("buffer", "access", id, "--access-ttl", "0.00:00:30")).stdout, /^file:/)
    fails(await run("buffer", "access", "nosuchbuffer"), "NotFound: The resource was not found")
    fails(await run("buffer", "access", id, "--access-ttl", "0.00:00:29"), "InvalidInput: Access TTL must be at least 30 seconds.")
    fails(await run("buffer", "access", id, "--access-ttl", "0.01:00:01"), "InvalidInput: Access TTL must be less than or equal to 01:00:00.")
    fatal(await run("buffer", "access", id, "--access-ttl", "x"), "Invalid access TTL format error=\"invalid TTL format: 'x'\"")
    fails(await run("buffer", "access"), "one buffer ID positional argument is required")
  })
})

describe("tyger buffer write / read", () => {
  test("stdin to a buffer and back; a buffer is written once", async () => {
    const run = session()
    const id = await newBuffer(run)
    succeeds(await run.with({ stdin: "Hello\n" }, "buffer", "write", id), "")
    succeeds(await run("buffer", "read", id), "Hello\n")
    fatal(await run.with({ stdin: "again" }, "buffer", "write", id), "Failed to write buffer error=\"buffer cannot be overwritten\"")
    succeeds(await run("buffer", "read", id), "Hello\n")
  })

  test("through access URLs and files holding them; files in and out", async () => {
    const run = session()
    const dir = tempDir("tyger-cli-rw-")
    const id = await newBuffer(run)
    Fs.writeFileSync(Path.join(dir, "write-url.txt"), (await run("buffer", "access", id, "-w")).stdout)
    const data = (await run("buffer", "gen", "100K")).bytes
    Fs.writeFileSync(Path.join(dir, "in.bin"), data)
    succeeds(await run.with({ cwd: dir }, "buffer", "write", "write-url.txt", "-i", "in.bin", "-b", "16K", "-p", "4"), "")
    const readUrl = (await run("buffer", "access", id)).stdout.trim()
    assert.equal(sha256((await run("buffer", "read", readUrl)).bytes), sha256(data))
    succeeds(await run.with({ cwd: dir }, "buffer", "read", id, "-o", "out.bin", "--dop", "2"), "")
    assert.equal(sha256(Fs.readFileSync(Path.join(dir, "out.bin"))), sha256(data))
    // 100 KiB in 16 KiB blocks: seven data blobs and the empty end blob.
    const container = Path.join(run.dataDir, "buffers", id, "00")
    assert.deepEqual(Fs.readdirSync(container).sort(), ["000", "001", "002", "003", "004", "005", "006", "007"])
  })

  test("Tyger's fatal log lines, in its order of checks", async () => {
    const run = session()
    const id = await newBuffer(run)
    fails(await run("buffer", "write"), "accepts 1 arg(s), received 0")
    fails(await run("buffer", "read", "a", "b"), "accepts 1 arg(s), received 2")
    fails(await run("buffer", "write", id, "-p", "x"), "invalid argument \"x\" for \"-p, --dop\" flag: strconv.ParseInt: parsing \"x\": invalid syntax")
    fatal(await run("buffer", "write", id, "-p", "0"), "the degree of parallelism (dop) must be at least 1")
    fatal(await run("buffer", "read", id, "--dop=-1"), "the degree of parallelism (dop) must be at least 1")
    fatal(await run("buffer", "read", "nosuchbuffer"), "Unable to access buffer error=\"the buffer does not exist\"")
    fatal(await run("buffer", "write", "nosuchbuffer"), "Unable to access buffer error=\"the buffer does not exist\"")
    const url = (await run("buffer", "access", id, "-w")).stdout.trim()
    fatal(
      await run("buffer", "write", url, "--access-ttl", "0.00:10"),
      "access-ttl is only supported when a buffer ID is specified"
    )
    fatal(
      await run("buffer", "write", url.replace("sp=cr&", "sp=r&")),
      "Unable to access buffer error=\"invalid access URL: signature mismatch\""
    )
    fatal(
      await run("buffer", "write", id, "-i", "/nonexistent/in.bin"),
      "Unable to open input file for reading error=\"open /nonexistent/in.bin: no such file or directory\""
    )
    fatal(await run.with({ stdin: "" }, "buffer", "write", id, "-b", "1X"), "Invalid block size error=\"units: unknown unit XB in 1XB\"")
    fatal(await run.with({ stdin: "" }, "buffer", "write", id, "-f", "soon"), "Invalid flush interval error=\"time: invalid duration \\\"soon\\\"\"")
    // None of these touched the buffer.
    succeeds(await run.with({ stdin: "ok" }, "buffer", "write", id), "")
    const readOnly = (await run("buffer", "access", id)).stdout.trim()
    const other = await newBuffer(run)
    const otherReadOnly = (await run("buffer", "access", other)).stdout.trim()
    fatal(
      await run.with({ stdin: "x" }, "buffer", "write", otherReadOnly),
      "Failed to write buffer error=\"the access url does not allow write access\""
    )
    succeeds(await run("buffer", "read", readOnly), "ok")
  })

  test("--log-format json: zerolog's fields; a terminal stderr gets the progress line", async () => {
    const run = session()
    const id = await newBuffer(run)
    const json = await run("--log-format", "json", "buffer", "read", "nosuchbuffer")
    assert.equal(json.code, 1)
    const line = JSON.parse(json.stderr) as Record<string, unknown>
    assert.deepEqual(Object.keys(line), ["level", "error", "time", "message"])
    assert.deepEqual({ ...line, time: "" }, {
      level: "fatal",
      error: "the buffer does not exist",
      time: "",
      message: "Unable to access buffer"
    })
    const written = await run.with({ stdin: "x".repeat(3000), stderrTerminal: true }, "buffer", "write", id)
    assert.equal(written.code, 0)
    assert.match(written.stderr, /^\r\u001b\[2K2\.9 KiB written in \d+\.\ds \([\d.]+ \w+\/s\)\n$/)
    const read = await run.with({ stderrTerminal: true }, "buffer", "read", id)
    assert.match(read.stderr, /2\.9 KiB read in \d+\.\ds/)
    assert.equal(read.stdout, "x".repeat(3000))
  })
})
