// The embedded LocalBlobStore: the shared conformance suite, then what only a local directory has (files on disk,
// processes racing for a buffer, the signing key, descriptors and FIFOs as sources and sinks).
import assert from "node:assert/strict"
import { execFileSync, spawn } from "node:child_process"
import { createHash } from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import process from "node:process"
import { describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { BlobStore, type BlobStoreError } from "../../../engine/buffers/BlobStore.ts"
import * as BufferGen from "../../../engine/buffers/BufferGen.ts"
import * as BufferReader from "../../../engine/buffers/BufferReader.ts"
import * as BufferWriter from "../../../engine/buffers/BufferWriter.ts"
import * as FdBlocks from "../../../engine/buffers/internal/FdBlocks.ts"
import * as HashPool from "../../../engine/buffers/internal/HashPool.ts"
import * as LocalBlobStore from "../../../engine/buffers/LocalBlobStore.ts"
import { tempDir } from "../../support/Run.ts"
import { suite } from "./BlobStoreConformance.ts"
import { bytes, KiB, MiB, newId, randomData, readData, sha256, text, writeData } from "./Helpers.ts"
import { race } from "../../support/Children.ts"
import { killHard, quote, scriptArgv } from "../../support/Cli.ts"

const here = (import.meta as { readonly url: string }).url
const raceWriter = fileURLToPath(new URL("./fixtures/race-writer.ts", here))

const sharedDataDir = tempDir("tyger-buffers-")

suite("LocalBlobStore", () => LocalBlobStore.layer({ dataDir: sharedDataDir }), {
  corruptBlob: async (containerId, path) => {
    const file = Path.join(LocalBlobStore.buffersDir(sharedDataDir), containerId, path)
    const contents = Fs.readFileSync(file)
    contents[contents.length - 1] = contents[contents.length - 1]! ^ 0xff
    Fs.writeFileSync(file, contents)
  }
})

const withStore = <A, E>(dataDir: string, effect: Effect.Effect<A, E, BlobStore>, durable = false): Promise<A> =>
  Effect.runPromise(effect.pipe(Effect.provide(LocalBlobStore.layer({ dataDir, durable }))))

const freshContainer = Effect.gen(function*() {
  const store = yield* BlobStore
  const id = newId()
  yield* store.createContainer(id)
  return yield* store.container(id, "write")
})

const listFiles = (dir: string): Array<string> =>
  (Fs.readdirSync(dir, { recursive: true }) as Array<string>)
    .filter((name) => Fs.statSync(Path.join(dir, name)).isFile())
    .sort()

describe("LocalBlobStore on disk", () => {
  test("a buffer is a directory of blob files at their blob paths, with no temporaries left", async () => {
    const dataDir = tempDir()
    const id = await withStore(dataDir, Effect.gen(function*() {
      const container = yield* freshContainer
      yield* writeData(container, randomData(130 * KiB), { blockSize: 64 * KiB })
      return container.id
    }))
    assert.deepEqual(listFiles(Path.join(dataDir, "buffers", id)), [
      ".bufferend",
      ".bufferstart",
      // The writer's lease: its first heartbeat (a write this short has no second).
      ".bufferwriter.0",
      Path.join("00", "000"),
      Path.join("00", "001"),
      Path.join("00", "002"),
      Path.join("00", "003")
    ])
  })

  test("durable mode round-trips", async () => {
    const data = randomData(300 * KiB)
    const back = await withStore(tempDir(), Effect.gen(function*() {
      const container = yield* freshContainer
      yield* writeData(container, data, { blockSize: 64 * KiB })
      return yield* readData(container)
    }), true)
    assert.equal(sha256(back), sha256(data))
  })

  test("a truncated blob file is reported, never read as data", async () => {
    const dataDir = tempDir()
    const id = await withStore(dataDir, Effect.gen(function*() {
      const container = yield* freshContainer
      yield* writeData(container, bytes("hello world"))
      return container.id
    }))
    Fs.truncateSync(Path.join(dataDir, "buffers", id, "00", "000"), 5)
    const error = await withStore(dataDir, Effect.flip(Effect.flatMap(
      Effect.flatMap(BlobStore, (store) => store.container(id, "read")),
      (container) => readData(container)
    )))
    assert.equal(error.reason, "StorageFailed")
    assert.match(error.message, /truncated or not a blob/)
  })

  test("names that could escape the container or hit temporaries are refused", async () => {
    const errors = await withStore(tempDir(), Effect.gen(function*() {
      const store = yield* BlobStore
      const container = yield* freshContainer
      const reasons: Array<string> = []
      for (const path of ["../x", "00/../../x", ".~0123", "00//000", "a b"]) {
        reasons.push((yield* Effect.flip(container.getBlob(path))).reason)
      }
      for (const id of ["..", "UPPER", "a/b", ".access-key"]) {
        reasons.push((yield* Effect.flip(store.container(id, "read"))).reason)
      }
      return reasons
    }))
    assert.deepEqual(errors, [...Array(5).fill("BlobNotFound"), ...Array(4).fill("ContainerNotFound")])
  })
})

describe("LocalBlobStore access URLs", () => {
  test("the signing key is created 0600 once and shared by every store on the data directory", async () => {
    const dataDir = tempDir()
    const url = await withStore(dataDir, Effect.gen(function*() {
      const container = yield* freshContainer
      yield* writeData(container, bytes("shared"))
      return yield* Effect.flatMap(BlobStore, (store) => store.accessUrl(container.id, "read", 60))
    }))
    if (process.platform !== "win32") {
      assert.equal(Fs.statSync(LocalBlobStore.keyFile(dataDir)).mode & 0o777, 0o600)
    }
    const back = await withStore(dataDir, Effect.flatMap(Effect.flatMap(BlobStore, (s) => s.fromUrl(url)), readData))
    assert.equal(text(back), "shared")
    const elsewhere = await withStore(tempDir(), Effect.flip(Effect.flatMap(BlobStore, (s) => s.fromUrl(url))))
    assert.equal(elsewhere.reason, "AuthenticationFailed")
  })

  test("a URL still works when the data directory is reached through another path", async () => {
    const dataDir = tempDir()
    const url = await withStore(dataDir, Effect.gen(function*() {
      const container = yield* freshContainer
      yield* writeData(container, bytes("mounted"))
      return yield* Effect.flatMap(BlobStore, (store) => store.accessUrl(container.id, "read", 60))
    }))
    const moved = url.replace(/^file:\/\/[^?]*\/buffers\//, "file:///mnt/tyger/buffers/")
    assert.notEqual(moved, url)
    const back = await withStore(dataDir, Effect.flatMap(Effect.flatMap(BlobStore, (s) => s.fromUrl(moved)), readData))
    assert.equal(text(back), "mounted")
  })

  test("malformed URLs are refused", async () => {
    const reasons = await withStore(tempDir(), Effect.forEach(
      ["not a url", "https://example.com/buffers/abc?sv=0.1.0", "file:///tmp/buffers/abc", "file:///x/abc?sv=9"],
      (url) => Effect.map(Effect.flip(Effect.flatMap(BlobStore, (s) => s.fromUrl(url))), (e: BlobStoreError) => e.reason)
    ))
    assert.deepEqual(reasons, Array(4).fill("AuthenticationFailed"))
  })
})

/** Two writers of the same buffer, released together; `out` is what each printed (stdout, then stderr if any). */
const raceOnce = async (dataDir: string, id: string): Promise<Array<{ code: number | null; out: string }>> =>
  (await race(raceWriter, [0, 1].map((seed) => [dataDir, id, String(seed)]))).map(({ code, stdout, stderr }) => ({
    code,
    out: stdout.trim() + (stderr === "" ? "" : `\n${stderr}`)
  }))

describe("LocalBlobStore shared by processes", () => {
  test("of two processes writing the same buffer exactly one wins", { timeout: 120_000 }, async () => {
    for (let round = 0; round < 2; round++) {
      const dataDir = tempDir()
      const id = newId()
      await withStore(dataDir, Effect.flatMap(BlobStore, (store) => store.createContainer(id)))
      const results = await raceOnce(dataDir, id)
      const winners = results.flatMap((result, seed) => (result.code === 0 && result.out === "won" ? [seed] : []))
      assert.equal(winners.length, 1, JSON.stringify(results))
      const loser = results.find((result) => result.code !== 0)
      assert.equal(loser?.code, 3, JSON.stringify(results))
      assert.equal(loser?.out, "buffer cannot be overwritten")
      const expected = new Uint8Array(MiB)
      BufferGen.fill(expected, 0, expected.length, winners[0]!)
      const back = await withStore(dataDir, Effect.flatMap(
        Effect.flatMap(BlobStore, (store) => store.container(id, "read")),
        readData
      ))
      assert.equal(sha256(back), sha256(expected))
    }
  })
})

describe("descriptors, files and FIFOs", () => {
  const mkfifo = (path: string) => execFileSync("mkfifo", [path])
  const hasMkfifo = (() => {
    try {
      execFileSync("mkfifo", ["--version"], { stdio: "ignore" })
      return true
    } catch {
      return false
    }
  })()

  test("a regular file is written in whole blocks (no flushing) and read back to a file", async () => {
    const dir = tempDir()
    const data = randomData(3 * 64 * KiB + 5)
    Fs.writeFileSync(Path.join(dir, "in"), data)
    const sizes = await withStore(dir, Effect.gen(function*() {
      const container = yield* freshContainer
      yield* BufferWriter.write(container, BufferWriter.fromFile(Path.join(dir, "in")), { blockSize: 64 * KiB })
      yield* BufferReader.read(container, BufferReader.toFile(Path.join(dir, "out")))
      return yield* Effect.forEach(["00/000", "00/001", "00/002", "00/003", "00/004"], (path) =>
        Effect.map(container.headBlob(path), (blob) => blob.size))
    }))
    assert.deepEqual(sizes, [64 * KiB, 64 * KiB, 64 * KiB, 5, 0])
    assert.equal(sha256(Fs.readFileSync(Path.join(dir, "out"))), sha256(data))
  })

  test("a FIFO fed by another process is a source; a descriptor is a sink", { skip: !hasMkfifo }, async () => {
    const dir = tempDir()
    const data = randomData(2 * MiB + 3)
    Fs.writeFileSync(Path.join(dir, "data"), data)
    const fifo = Path.join(dir, "fifo")
    mkfifo(fifo)
    for (const open of ["path", "descriptor"] as const) {
      const feeder = spawn("sh", ["-c", `cat "${Path.join(dir, "data")}" > "${fifo}"`], { stdio: "ignore" })
      // Opening a FIFO for reading waits for its writer, so the descriptor is opened once the feeder runs.
      const inFd = open === "descriptor" ? Fs.openSync(fifo, "r") : undefined
      const outFd = Fs.openSync(Path.join(dir, "out"), "w")
      try {
        await withStore(dir, Effect.gen(function*() {
          const container = yield* freshContainer
          const source = inFd === undefined ? BufferWriter.fromFile(fifo) : BufferWriter.fromFd(inFd)
          yield* BufferWriter.write(container, source, { blockSize: 256 * KiB, dop: 4 })
          yield* BufferReader.read(container, BufferReader.toFd(outFd))
        }))
      } finally {
        Fs.closeSync(outFd)
        if (inFd !== undefined) Fs.closeSync(inFd)
        feeder.kill()
      }
      assert.equal(sha256(Fs.readFileSync(Path.join(dir, "out"))), sha256(data), open)
    }
  })

  const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest("base64")

  test("the reading thread recycles its arenas", async () => {
    const file = Path.join(tempDir(), "in")
    const data = randomData(10 * 64 * KiB + 3)
    Fs.writeFileSync(file, data)
    // Two arenas for eleven blocks: reading finishes only if released blocks give their memory back.
    const blocks = FdBlocks.make({ path: file }, { blockSize: 64 * KiB, flushMillis: 0, arenas: 2 })
    const pool = HashPool.make(1)
    const digests: Array<string> = []
    try {
      for (let block = await blocks.next(); block !== undefined; block = await blocks.next()) {
        assert.equal(block.bytes.buffer instanceof SharedArrayBuffer, true)
        const expected = md5(data.subarray(digests.length * 64 * KiB, (digests.length + 1) * 64 * KiB))
        assert.equal((await pool.md5(block.bytes)).md5, expected)
        digests.push(expected)
        blocks.release?.(block.bytes)
      }
    } finally {
      blocks.close?.()
      await pool.close()
    }
    assert.equal(digests.length, 11)
  })

  test("a process whose reading thread is closed while blocked on an idle pipe still exits", async () => {
    // The user's Ctrl-C of `buffer write` or `run exec` with a quiet producer: the CLI closes the blocks and exits.
    // The pipe's writer (`sleep`, below) stays alive, so only the reader can end the read.
    const script = Path.join(tempDir(), "idle.ts")
    const module = new URL("../../../engine/buffers/internal/FdBlocks.ts", import.meta.url).href
    Fs.writeFileSync(script, [
      `import * as FdBlocks from ${JSON.stringify(module)}`,
      `const blocks = FdBlocks.make({ fd: 0 }, { blockSize: 65536, flushMillis: 0, arenas: 2 })`,
      `setTimeout(() => { blocks.close?.(); process.exit(3) }, 300)`
    ].join("\n"))
    // The runtime replaces bash, with a pipe from `sleep` as its stdin (a pipeline would wait for `sleep`).
    const child = spawn("bash", ["-c", `exec ${scriptArgv(script).map(quote).join(" ")} < <(exec sleep 30)`], { stdio: "ignore" })
    const hung = setTimeout(() => killHard(child), 15_000)
    const code = await new Promise((resolve) => child.on("close", resolve))
    clearTimeout(hung)
    assert.equal(code, 3, "the process hung until killed")
  })

  test("the reading thread flushes what it has while the writer of a FIFO is silent", { skip: !hasMkfifo }, async () => {
    const fifo = Path.join(tempDir(), "fifo")
    mkfifo(fifo)
    // `exec sleep`: the process killed below is the one holding the FIFO open, so the reading thread sees its end.
    const feeder = spawn("sh", ["-c", `exec 3>"${fifo}"; printf abc >&3; exec sleep 60`], { stdio: "ignore" })
    const blocks = FdBlocks.make({ path: fifo }, { blockSize: 64 * KiB, flushMillis: 50, arenas: 2 })
    try {
      const block = await blocks.next()
      assert.equal(text(block!.bytes), "abc")
    } finally {
      blocks.close?.()
      feeder.kill()
    }
  })
})
