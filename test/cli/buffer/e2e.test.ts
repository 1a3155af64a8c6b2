// `tyger buffer …` as separate processes of the runtime running this test, connected by real pipes: the buffer is
// shared only through the data directory, as between a user's shell commands.
import assert from "node:assert/strict"
import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import process from "node:process"
import { describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import * as BufferGen from "../../../engine/buffers/BufferGen.ts"
import { quote, tygerArgv } from "../../support/Cli.ts"
import { sleep, tempDir, waitFor } from "../../support/Run.ts"

const here = (import.meta as { readonly url: string }).url
const root = fileURLToPath(new URL("../../../", here))

interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const environment = (dataDir: string) => ({ ...process.env, TYGER_TS_DATA_DIR: dataDir, NO_COLOR: "1" })

const collect = (child: ReturnType<typeof spawn>, onStdout?: (chunk: Buffer) => void): Promise<Result> =>
  new Promise((resolve, reject) => {
    let stdout = ""
    let stderr = ""
    child.stdout?.on("data", (chunk: Buffer) => (onStdout === undefined ? (stdout += chunk.toString("utf8")) : onStdout(chunk)))
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

const start = (dataDir: string, args: ReadonlyArray<string>, stdin: "ignore" | "pipe" = "ignore") => {
  const [exe, ...argv] = tygerArgv("main.ts")
  return spawn(exe!, [...argv, ...args], { cwd: root, env: environment(dataDir), stdio: [stdin, "pipe", "pipe"] })
}

const tyger = (dataDir: string, ...args: ReadonlyArray<string>) => collect(start(dataDir, args))

/** `tyger <left> | tyger <right>` through bash (a real pipe); stdout reports both exit statuses. */
const pipeline = (dataDir: string, left: ReadonlyArray<string>, right: ReadonlyArray<string>) => {
  const tygerCommand = tygerArgv("main.ts").map(quote).join(" ")
  const script = `${tygerCommand} ${left.map(quote).join(" ")} | ${tygerCommand} ${right.map(quote).join(" ")}; ` +
    `echo "\${PIPESTATUS[0]} \${PIPESTATUS[1]}"`
  return collect(spawn("bash", ["-c", script], { cwd: root, env: environment(dataDir), stdio: ["ignore", "pipe", "pipe"] }))
}


const FTL = /^\S+ FTL /

describe("tyger buffer (end to end)", () => {
  test("a reader started first streams what `gen 30M | write` writes; a second write fails", async () => {
    const dataDir = Path.join(tempDir("tyger-buffer-e2e-"), "data")
    const created = await tyger(dataDir, "buffer", "create", "--tag", "a=b")
    assert.equal(created.stderr, "")
    assert.equal(created.code, 0)
    const id = created.stdout.trim()
    assert.match(id, /^[a-z2-7]{26}$/)

    const hash = createHash("sha256")
    let size = 0
    const reading = collect(start(dataDir, ["buffer", "read", id]), (chunk) => {
      size += chunk.length
      hash.update(chunk)
    })
    // The reader waits for data that does not exist yet.
    await sleep(500)
    const writing = await pipeline(dataDir, ["buffer", "gen", "30M"], ["buffer", "write", id])
    assert.deepEqual(writing, { code: 0, stdout: "0 0\n", stderr: "" })
    const read = await reading
    assert.deepEqual(read, { code: 0, stdout: "", stderr: "" })
    const expected = createHash("sha256")
    const data = new Uint8Array(30 * 1024 * 1024)
    BufferGen.fill(data, 0, data.length, 0)
    assert.equal(size, data.length)
    assert.equal(hash.digest("hex"), expected.update(data).digest("hex"))

    const again = await pipeline(dataDir, ["buffer", "gen", "1K"], ["buffer", "write", id])
    // gen may see the pipe closed by the failed write (Tyger's would die of SIGPIPE).
    assert.match(again.stdout, /^\d+ 1\n$/)
    assert.match(again.stderr, FTL)
    assert.match(again.stderr, /buffer cannot be overwritten/)
  })

  test("delete, restore, purge and list", async () => {
    const dataDir = Path.join(tempDir("tyger-buffer-e2e-"), "data")
    const id = (await tyger(dataDir, "buffer", "create", "--tag", "a=b")).stdout.trim()
    const deleted = await tyger(dataDir, "buffer", "delete", id)
    assert.equal(deleted.code, 0)
    assert.match(deleted.stdout, new RegExp(`^\\{\\n  "id": "${id}",\\n  "createdAt": "[^"]+",\\n  "location": "local",\\n  "tags": \\{\\n    "a": "b"\\n  \\},\\n  "eTag": "\\d+",\\n  "expiresAt": "[^"]+"\\n\\}\\n$`))
    assert.deepEqual(await tyger(dataDir, "buffer", "list"), { code: 0, stdout: "[]\n", stderr: "" })
    assert.match((await tyger(dataDir, "buffer", "list", "--soft-deleted")).stdout, new RegExp(`^\\[\\n    \\{\\n      "id": "${id}"`))
    assert.deepEqual(await tyger(dataDir, "buffer", "restore", "--all", "--force"), { code: 0, stdout: "Restored 1 buffers.\n", stderr: "" })
    assert.deepEqual(await tyger(dataDir, "buffer", "delete", "--tag", "a=b"), {
      code: 1,
      stdout: "",
      stderr: "Error: cannot ask \"Are you sure you want to delete 1 buffers?\": the standard input is not a terminal; use --force to go ahead without asking\n"
    })
    assert.deepEqual(await tyger(dataDir, "buffer", "delete", "--tag", "a=b", "--force"), { code: 0, stdout: "Deleted 1 buffers.\n", stderr: "" })
    const purged = await tyger(dataDir, "buffer", "purge", id)
    assert.equal(purged.code, 0)
    assert.match(purged.stdout, new RegExp(`"id": "${id}"`))
    // The next buffer command's sweep removes the data.
    assert.deepEqual(await tyger(dataDir, "buffer", "list", "--soft-deleted"), { code: 0, stdout: "[]\n", stderr: "" })
    assert.equal(Fs.existsSync(Path.join(dataDir, "buffers", id)), false)
    const none = await tyger(dataDir, "buffer", "purge")
    assert.equal(none.code, 1)
    assert.match(none.stderr, /^\S+ FTL One of ID, --tag, or --all must be specified\n$/)
  })

  test("a damaged blob: read fails with MD5 mismatch", async () => {
    const dataDir = Path.join(tempDir("tyger-buffer-e2e-"), "data")
    const id = (await tyger(dataDir, "buffer", "create")).stdout.trim()
    const writing = await pipeline(dataDir, ["buffer", "gen", "1M"], ["buffer", "write", id])
    assert.equal(writing.stdout, "0 0\n")
    const blob = Path.join(dataDir, "buffers", id, "00", "000")
    const bytes = Fs.readFileSync(blob)
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff
    Fs.writeFileSync(blob, bytes)
    const read = await tyger(dataDir, "buffer", "read", id)
    assert.equal(read.code, 1)
    assert.equal(read.stdout, "")
    assert.match(read.stderr, /^\S+ FTL Failed to read buffer error="MD5 mismatch"\n$/)
  })

  test("Ctrl-C during a write: exit 1, and the buffer is permanently failed, never complete", async () => {
    const dataDir = Path.join(tempDir("tyger-buffer-e2e-"), "data")
    const id = (await tyger(dataDir, "buffer", "create")).stdout.trim()
    const child = start(dataDir, ["buffer", "write", id, "--flush-interval", "50ms"], "pipe")
    const writing = collect(child)
    child.stdin!.write("some data, then the user gives up\n")
    // The first blob is flushed once the transfer runs, and with it the signal handler.
    await waitFor(() => Fs.existsSync(Path.join(dataDir, "buffers", id, "00", "000")), "the first blob")
    // process.kill, not child.kill: Deno reports a child it killed itself as ended by the signal, whatever its code.
    process.kill(child.pid!, "SIGINT")
    const result = await writing
    child.stdin!.destroy()
    assert.equal(result.code, 1, `exit ${result.code}, stderr: ${result.stderr}`)
    assert.match(result.stderr, /^\S+ WRN Canceling\.\.\.\n\S+ FTL Failed to write buffer error="context canceled"\n$/)
    const read = await tyger(dataDir, "buffer", "read", id)
    assert.equal(read.code, 1)
    assert.match(read.stderr, /error="the buffer is in a permanently failed state"\n$/)
  })
})
