// A `tyger buffer write` killed with SIGKILL mid-stream (no chance to record `.bufferend`): its lease tells readers
// it is gone, so `buffer read` exits 1 naming the dead writer instead of waiting forever, the buffer is then failed
// for everyone, and a run reading it ends Failed instead of waiting for its timeout (issue 14, item 2).
import assert from "node:assert/strict"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import process from "node:process"
import { describe, test } from "node:test"
import { collect, killHard, root, tygerArgv } from "../../support/Cli.ts"
import { dockerOrSkip, testImage } from "../../support/Docker.ts"
import { sleep, tempDir, waitFor } from "../../support/Run.ts"

const environment = (dataDir: string) => ({ ...process.env, TYGER_TS_DATA_DIR: dataDir, NO_COLOR: "1" })

const start = (dataDir: string, args: ReadonlyArray<string>, stdin: "ignore" | "pipe" = "ignore") => {
  const [exe, ...argv] = tygerArgv("main.ts")
  return spawn(exe!, [...argv, ...args], { cwd: root, env: environment(dataDir), stdio: [stdin, "pipe", "pipe"] })
}

const tyger = (dataDir: string, ...args: ReadonlyArray<string>) => collect(start(dataDir, args))


/** A buffer whose writer was killed after its first data and its first heartbeat; returns its id and the pid. */
const killedWriter = async (dataDir: string) => {
  const id = (await tyger(dataDir, "buffer", "create")).stdout.trim()
  const writer = start(dataDir, ["buffer", "write", id], "pipe")
  const exited = collect(writer)
  writer.stdin!.write("partial data\n")
  await waitFor(() => Fs.existsSync(Path.join(dataDir, "buffers", id, ".bufferwriter.0")), "the writer's first heartbeat")
  // The flush interval (1 s) stores the partial data as blob 0 before the kill: waited for, not slept on (a loaded
  // machine may take longer).
  await waitFor(() => Fs.existsSync(Path.join(dataDir, "buffers", id, "00", "000")), "the partial data's blob")
  killHard(writer)
  await exited
  return { id, pid: writer.pid! }
}

describe("a buffer whose writer was killed", () => {
  test("`buffer read` exits 1 within seconds naming the dead writer; then the buffer is failed for every reader", async () => {
    const dataDir = Path.join(tempDir("tyger-writer-killed-"), "data")
    const { id, pid } = await killedWriter(dataDir)
    // What a put killed half-way leaves: a temporary next to the blobs (a kill at the right instant is not needed to
    // show it is cleaned up).
    const temporary = Path.join(dataDir, "buffers", id, "00", ".~0123456789abcdef")
    Fs.mkdirSync(Path.dirname(temporary), { recursive: true })
    Fs.writeFileSync(temporary, "half a blob")
    const began = Date.now()
    const read = await tyger(dataDir, "buffer", "read", id)
    const seconds = (Date.now() - began) / 1000
    assert.equal(read.code, 1)
    assert.equal(read.stdout, "partial data\n")
    assert.match(read.stderr, new RegExp(`the buffer's writer \\(process ${pid} on [^)]+\\) exited before finishing the buffer`))
    assert.doesNotMatch(read.stderr, /\n\s+at /)
    assert.ok(seconds < 60, `took ${seconds} s`)
    assert.equal(Fs.existsSync(temporary), false)
    // Marked failed: the next reader is told at once, and the buffer cannot be written again.
    const again = await tyger(dataDir, "buffer", "read", id)
    assert.equal(again.code, 1)
    assert.match(again.stderr, /the buffer is in a permanently failed state/)
    const rewrite = await tyger(dataDir, "buffer", "write", id)
    assert.equal(rewrite.code, 1)
  })
})

const skip = await dockerOrSkip()

describe("a run reading a buffer whose writer was killed", { skip }, () => {
  test("ends Failed within seconds, not at its timeout", async () => {
    const dataDir = Path.join(tempDir("tyger-writer-killed-run-"), "data")
    const { id } = await killedWriter(dataDir)
    const codespec = await tyger(dataDir, "codespec", "create", "drain", "--image", testImage, "-i", "input",
      "--command", "--", "sh", "-c", 'cat "$INPUT_PIPE" > /dev/null')
    assert.equal(codespec.code, 0, codespec.stderr)
    const began = Date.now()
    const created = await tyger(dataDir, "run", "create", "-c", "drain", "-b", `input=${id}`, "--timeout", "10m")
    assert.equal(created.code, 0, created.stderr)
    const runId = created.stdout.trim()
    let shown: { status?: string; statusReason?: string } = {}
    for (;;) {
      shown = JSON.parse((await tyger(dataDir, "run", "show", runId)).stdout) as typeof shown
      if (shown.status === "Failed" || shown.status === "Succeeded" || shown.status === "Canceled") break
      if (Date.now() - began > 60_000) break
      await sleep(500)
    }
    assert.equal(shown.status, "Failed", JSON.stringify(shown))
    assert.ok((Date.now() - began) / 1000 < 60)
  })
})
