// The buffer data plane on one BlobStore backend: every backend runs this suite (local.test.ts, azure.test.ts).
// It checks Tyger's format byte for byte, the writer's and reader's protocols end to end, and the store contract the
// protocols rely on (write-once blobs, Content-MD5, access URLs).
import assert from "node:assert/strict"
import { Buffer } from "node:buffer"
import { after, before, describe, test } from "node:test"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { Effect, Fiber, type Layer, ManagedRuntime } from "effect"
import { BlobStore, type BlobStoreError, type Container } from "../../../engine/buffers/BlobStore.ts"
import { type BufferDataError, fromBlobStoreError } from "../../../engine/buffers/BufferDataError.ts"
import * as BufferFormat from "../../../engine/buffers/BufferFormat.ts"
import * as BufferGen from "../../../engine/buffers/BufferGen.ts"
import * as BufferReader from "../../../engine/buffers/BufferReader.ts"
import * as BufferWriter from "../../../engine/buffers/BufferWriter.ts"
import {
  bytes,
  failingSource,
  KiB,
  MiB,
  newId,
  pausingSource,
  randomData,
  readData,
  sha256,
  sleep,
  stallingSource,
  text,
  writeData,
  writeRaw
} from "./Helpers.ts"
import { tempDir } from "../../support/Run.ts"

export interface SuiteHooks {
  /** Changes a stored blob's body behind the store's back (keeping its MD5); the MD5 test is skipped without it. */
  readonly corruptBlob?: (containerId: string, path: string) => Promise<void>
}

export const suite = (name: string, makeLayer: () => Layer.Layer<BlobStore>, hooks: SuiteHooks = {}): void => {
  void describe(`buffer data plane on ${name}`, () => {
    let runtime: ManagedRuntime.ManagedRuntime<BlobStore, never>
    before(() => {
      runtime = ManagedRuntime.make(makeLayer())
    })
    after(async () => {
      await runtime.dispose()
    })

    const run = <A, E>(effect: Effect.Effect<A, E, BlobStore>): Promise<A> => runtime.runPromise(effect)
    const failure = <A, E>(effect: Effect.Effect<A, E, BlobStore>): Promise<E> => run(Effect.flip(effect))
    const store = Effect.service(BlobStore)
    /** A fresh, empty container. */
    const fresh = (access: "read" | "write" = "write") =>
      Effect.gen(function*() {
        const s = yield* store
        const id = newId()
        yield* s.createContainer(id)
        return yield* s.container(id, access)
      })
    const missing = () => Effect.flatMap(store, (s) => s.container(newId(), "write"))
    const bufferError = (effect: Effect.Effect<unknown, BufferDataError, BlobStore>) => failure(effect)
    const assertMessage = async <E extends { readonly message: string }>(
      effect: Effect.Effect<unknown, E, BlobStore>,
      message: string | RegExp
    ) => {
      const error = await failure(effect)
      if (typeof message === "string") assert.equal(error.message, message)
      else assert.match(error.message, message)
      return error
    }

    describe("format 0.3.0", () => {
      test("Hello\\n is stored blob by blob as Tyger stores it", async () => {
        const container = await run(fresh())
        await run(writeData(container, bytes("Hello\n")))
        const blob = (path: string) => run(container.getBlob(path))
        const start = await blob(".bufferstart")
        assert.equal(text(start.body), `{"version":"0.3.0"}`)
        assert.equal(start.contentMd5, "jRl6v+tdX5RbfseHVtVXDw==")
        const data = await blob("00/000")
        assert.equal(text(data.body), "Hello\n")
        assert.equal(data.contentMd5, "CffgLxKQviEdpweiZvFTsw==")
        assert.deepEqual(data.metadata, { cumulative_hash_chain: "2mCt+MKkf0AT8hYI3Edjmv5oYPpnNq7Lv4ZeFVlIN7c=" })
        const last = await blob("00/001")
        assert.equal(last.size, 0)
        assert.equal(last.contentMd5, "1B2M2Y8AsgTpgAmY7PhCfg==")
        assert.deepEqual(last.metadata, { cumulative_hash_chain: "UIyBXAduQFFRy3C67jR0ekURdmL6gAWpXgp7PQiNP10=" })
        const end = await blob(".bufferend")
        assert.equal(text(end.body), `{"status":"complete"}`)
        assert.equal(end.contentMd5, "dDGK6tOTr1krU6jOyYJ/Rw==")
        assert.equal((await failure(container.headBlob("00/002"))).reason, "BlobNotFound")
        assert.equal(text(await run(readData(container))), "Hello\n")
      })

      test("blocks of blockSize, a short last block, then the empty blob", async () => {
        const container = await run(fresh())
        const data = randomData(3 * 64 * KiB + 10)
        await run(writeData(container, data, { blockSize: 64 * KiB, dop: 3 }))
        const sizes = await run(Effect.forEach([0, 1, 2, 3, 4], (n) =>
          Effect.map(container.headBlob(BufferFormat.blobPath(n)), (blob) => blob.size)))
        assert.deepEqual(sizes, [64 * KiB, 64 * KiB, 64 * KiB, 10, 0])
      })
    })

    describe("round trips", () => {
      const cases: Array<[string, number, BufferWriter.WriteOptions]> = [
        ["0 bytes", 0, {}],
        ["1 byte", 1, {}],
        ["exactly one block", 64 * KiB, { blockSize: 64 * KiB }],
        ["one block and one byte", 64 * KiB + 1, { blockSize: 64 * KiB }],
        ["5 MiB in 64 KiB blocks, 8 uploads in flight", 5 * MiB + 123, { blockSize: 64 * KiB, dop: 8 }],
        ["9 MiB in default 4 MiB blocks", 9 * MiB, {}]
      ]
      for (const [label, size, options] of cases) {
        test(label, async () => {
          const container = await run(fresh())
          const data = randomData(size)
          let written = -1
          await run(writeData(container, data, { ...options, onProgress: (n) => (written = n) }))
          let read = -1
          const back = await run(readData(container, { dop: 4, onProgress: (n) => (read = n) }))
          assert.equal(back.length, size)
          assert.equal(sha256(back), sha256(data))
          assert.equal(written, size === 0 ? 0 : size)
          assert.equal(read, size === 0 ? -1 : size)
        })
      }

      test("a file source (read by a thread into shared memory, recycled) round-trips", async () => {
        const container = await run(fresh())
        const data = randomData(3 * MiB + 17)
        const file = Path.join(tempDir(), "input")
        Fs.writeFileSync(file, data)
        await run(BufferWriter.write(container, BufferWriter.fromFile(file), { blockSize: 256 * KiB, dop: 3 }))
        assert.equal(sha256(await run(readData(container))), sha256(data))
      })

      test("buffer gen data (3 MiB) reads back with Tyger's checksum", async () => {
        const container = await run(fresh())
        await run(BufferWriter.write(container, BufferGen.source(3 * MiB), { blockSize: 256 * KiB, dop: 4 }))
        const back = await run(readData(container))
        assert.equal(sha256(back), "09d7daed99c15bcee48dfa269c7597a1036a371c90100dda6f4fdcfe7ab79385")
      })
    })

    describe("streaming", () => {
      test("a reader started before the writer streams the whole buffer", async () => {
        const container = await run(fresh())
        const data = randomData(6 * MiB + 7)
        const reader = runtime.runFork(readData(container, { dop: 8 }))
        await sleep(300)
        await run(writeData(container, data, { blockSize: 128 * KiB, dop: 4 }))
        const back = await run(Fiber.join(reader))
        assert.equal(sha256(back), sha256(data))
      })

      test("a trickle reaches a reader while the writer is still open (flush interval)", async () => {
        const container = await run(fresh())
        const { source, resume, resumed } = pausingSource(bytes("abc"), bytes("def"), 30_000)
        const received: Array<string> = []
        const sink: BufferReader.ByteSink = {
          write: (chunk) => {
            received.push(text(chunk))
            resume("reader")
            return Promise.resolve()
          },
          close: () => Promise.resolve()
        }
        await run(Effect.all([
          BufferWriter.write(container, source),
          BufferReader.read(container, sink)
        ], { concurrency: 2 }))
        // The source only continued because the reader had already received the first bytes.
        assert.equal(await resumed, "reader")
        assert.deepEqual(received, ["abc", "def"])
      })
    })

    describe("one writer per buffer", () => {
      test("a second write fails with `buffer cannot be overwritten` and leaves the buffer intact", async () => {
        const container = await run(fresh())
        await run(writeData(container, bytes("first")))
        await assertMessage(writeData(container, bytes("second")), "buffer cannot be overwritten")
        assert.equal(text(await run(readData(container))), "first")
        assert.equal(text((await run(container.getBlob(".bufferend"))).body), `{"status":"complete"}`)
      })

      test("of two racing writers exactly one succeeds", async () => {
        for (let round = 0; round < 3; round++) {
          const container = await run(fresh())
          const payloads = [randomData(300 * KiB), randomData(300 * KiB)]
          const outcomes = await run(Effect.all(
            payloads.map((data) => Effect.result(writeData(container, data, { blockSize: 64 * KiB }))),
            { concurrency: "unbounded" }
          ))
          const winners = outcomes.flatMap((outcome, i) => (outcome._tag === "Success" ? [i] : []))
          assert.equal(winners.length, 1, `round ${round}`)
          const loser = outcomes.find((outcome) => outcome._tag === "Failure")
          assert.equal(loser?._tag === "Failure" ? loser.failure.message : "", "buffer cannot be overwritten")
          assert.equal(sha256(await run(readData(container))), sha256(payloads[winners[0]!]!))
        }
      })
    })

    describe("failed writes", () => {
      test("a failing source marks the buffer failed; readers fail, also one already waiting", async () => {
        const container = await run(fresh())
        const waiting = runtime.runFork(Effect.flip(readData(container)))
        const error = await bufferError(BufferWriter.write(container, failingSource(randomData(100 * KiB), "boom")))
        assert.equal(error.reason, "InputFailed")
        assert.equal(error.message, "error reading from input: boom")
        assert.equal(text((await run(container.getBlob(".bufferend"))).body), `{"status":"failed"}`)
        const message = "the buffer is in a permanently failed state"
        assert.equal((await run(Fiber.join(waiting))).message, message)
        await assertMessage(readData(container), message)
      })

      test("an interrupted writer marks the buffer failed; the reader never sees a complete stream", async () => {
        const container = await run(fresh())
        let progressed: () => void = () => {}
        const uploaded = new Promise<void>((resolve) => (progressed = resolve))
        const writer = runtime.runFork(BufferWriter.write(container, stallingSource(randomData(100 * KiB)), {
          onProgress: () => progressed()
        }))
        await uploaded
        await run(Fiber.interrupt(writer))
        assert.equal(text((await run(container.getBlob(".bufferend"))).body), `{"status":"failed"}`)
        await assertMessage(readData(container), "the buffer is in a permanently failed state")
      })
    })

    describe("damaged buffers", () => {
      test("a wrong hash chain fails with `hash chain mismatch`", async () => {
        const container = await run(fresh())
        await run(writeRaw(container, {
          blobs: [{ body: bytes("abc"), chain: BufferFormat.INITIAL_CHAIN }, { body: new Uint8Array(0) }],
          end: "complete"
        }))
        await assertMessage(readData(container), "hash chain mismatch")
      })

      test("a data blob without chain metadata fails", async () => {
        const container = await run(fresh())
        await run(writeRaw(container, { blobs: [{ body: bytes("abc"), chain: null }, { body: new Uint8Array(0) }] }))
        await assertMessage(readData(container), "expected x-ms-meta-cumulative_hash_chain header missing")
      })

      test("a blob missing before the end fails once .bufferend exists", async () => {
        const container = await run(fresh())
        const blobs = [bytes("a"), bytes("b"), bytes("c"), new Uint8Array(0)].map((body) => ({ body }))
        await run(writeRaw(container, { blobs, skip: [1], end: "complete" }))
        await assertMessage(readData(container), "blob number 1 was expected to exist but does not")
      })

      test("another format version is refused", async () => {
        const container = await run(fresh())
        await run(writeRaw(container, { start: bytes(`{"version":"0.2.0"}`), blobs: [] }))
        await assertMessage(readData(container), "unsupported format buffer version '0.2.0'. Expected '0.3.0")
      })

      test("a body changed behind the store fails with `MD5 mismatch`", {
        skip: hooks.corruptBlob === undefined ? "this backend offers no way to corrupt a stored blob" : false
      }, async () => {
        const container = await run(fresh())
        await run(writeData(container, randomData(200 * KiB), { blockSize: 64 * KiB }))
        await hooks.corruptBlob!(container.id, "00/001")
        await assertMessage(readData(container), "MD5 mismatch")
      })

      test("a missing buffer: `the buffer does not exist` for readers and writers", async () => {
        await assertMessage(Effect.flatMap(missing(), (c) => readData(c)), "the buffer does not exist")
        await assertMessage(Effect.flatMap(missing(), (c) => writeData(c, bytes("x"))), "the buffer does not exist")
      })
    })

    describe("access URLs", () => {
      const viaUrl = (id: string, access: "read" | "write", ttl = 60) =>
        Effect.flatMap(store, (s) => Effect.flatMap(s.accessUrl(id, access, ttl), (url) => s.fromUrl(url)))

      test("a write URL writes and a read URL reads", async () => {
        const container = await run(fresh("read"))
        const data = randomData(200 * KiB)
        const writable = await run(viaUrl(container.id, "write"))
        assert.equal(writable.write, true)
        await run(writeData(writable, data, { blockSize: 64 * KiB }))
        const readable = await run(viaUrl(container.id, "read"))
        assert.equal(readable.write, false)
        assert.equal(sha256(await run(readData(readable))), sha256(data))
      })

      test("a read URL cannot write: `the access url does not allow write access`", async () => {
        const container = await run(fresh())
        const readable = await run(viaUrl(container.id, "read"))
        const error = await assertMessage(writeData(readable, bytes("x")), "the access url does not allow write access")
        assert.equal(error.reason, "PermissionDenied")
        assert.equal((await failure(container.headBlob(".bufferstart"))).reason, "BlobNotFound")
      })

      test("a forged signature fails authentication", async () => {
        const container = await run(fresh())
        await run(writeData(container, bytes("secret")))
        const url = new URL(await run(Effect.flatMap(store, (s) => s.accessUrl(container.id, "write", 60))))
        url.searchParams.set("sig", Buffer.alloc(32, 7).toString("base64"))
        const opened = Effect.flatMap(store, (s) => s.fromUrl(url.href))
        const error = await failure(Effect.flatMap(opened, (c) => c.getBlob(".bufferstart")))
        assert.equal((error as BlobStoreError).reason, "AuthenticationFailed")
      })

      test("an expired URL fails authentication", async () => {
        const container = await run(fresh())
        await run(writeData(container, bytes("soon gone")))
        const url = await run(Effect.flatMap(store, (s) => s.accessUrl(container.id, "read", 1)))
        const expiry = Date.parse(new URL(url).searchParams.get("se")!)
        await sleep(expiry - Date.now() + 1500)
        const opened = Effect.flatMap(store, (s) => s.fromUrl(url))
        const error = await failure(Effect.flatMap(opened, (c) => c.getBlob(".bufferstart")))
        assert.equal((error as BlobStoreError).reason, "AuthenticationFailed")
        // Backends may refuse an expired URL when it is opened or on first use; both read as Tyger's text.
        const readError = await failure(
          Effect.flatMap(Effect.mapError(opened, fromBlobStoreError("access")), (c) => readData(c))
        )
        assert.equal(readError.reason, "InvalidAccessUrl")
        assert.match(readError.message, /^invalid access URL/)
      })
    })

    describe("store contract", () => {
      const put = (c: Container, path: string, body: Uint8Array) =>
        c.putBlob(path, body, { contentMd5: BufferFormat.md5Base64(body) })

      test("blobs are write-once and keep their first body", async () => {
        const container = await run(fresh())
        await run(put(container, "00/000", bytes("first")))
        assert.equal((await failure(put(container, "00/000", bytes("second")))).reason, "BlobExists")
        assert.equal(text((await run(container.getBlob("00/000"))).body), "first")
      })

      test("a body not matching its Content-MD5 is refused and not stored", async () => {
        const container = await run(fresh())
        const md5 = BufferFormat.md5Base64(bytes("other"))
        const error = await failure(container.putBlob("00/000", bytes("data"), { contentMd5: md5 }))
        assert.equal(error.reason, "Md5Mismatch")
        assert.equal((await failure(container.getBlob("00/000"))).reason, "BlobNotFound")
      })

      test("missing containers and blobs are told apart; containers are created idempotently", async () => {
        const gone = await run(missing())
        assert.equal((await failure(gone.getBlob("00/000"))).reason, "ContainerNotFound")
        assert.equal((await failure(put(gone, "00/000", bytes("x")))).reason, "ContainerNotFound")
        const container = await run(fresh())
        await run(Effect.flatMap(store, (s) => s.createContainer(container.id)))
        assert.equal((await failure(container.headBlob("00/000"))).reason, "BlobNotFound")
        await run(Effect.flatMap(store, (s) => s.deleteContainer(container.id)))
        assert.equal((await failure(container.headBlob("00/000"))).reason, "ContainerNotFound")
      })

      test("a container opened for reading refuses puts", async () => {
        const container = await run(fresh("read"))
        assert.equal((await failure(put(container, "00/000", bytes("x")))).reason, "PermissionDenied")
      })
    })
  })
}
