// The writer's lease (engine/buffers/internal/WriterLease.ts): a reader tells a slow writer from a dead one. The
// killed-process case runs end to end in test/cli/buffer/writer-killed.test.ts; here, a writer on another host that
// went silent, a live writer with long pauses, and a buffer without a lease (Tyger's, or an older writer's).
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Duration, Effect } from "effect"
import { BlobStore } from "../../../engine/buffers/BlobStore.ts"
import * as BufferFormat from "../../../engine/buffers/BufferFormat.ts"
import * as BufferReader from "../../../engine/buffers/BufferReader.ts"
import * as BufferWriter from "../../../engine/buffers/BufferWriter.ts"
import * as LocalBlobStore from "../../../engine/buffers/LocalBlobStore.ts"
import { tempDir } from "../../support/Run.ts"
import { bytes, newId, readData, sleep, text, writeRaw } from "./Helpers.ts"

const run = <A, E>(effect: Effect.Effect<A, E, BlobStore>): Promise<A> =>
  Effect.runPromise(effect.pipe(Effect.provide(LocalBlobStore.layer({ dataDir: tempDir("tyger-lease-") }))))

const fresh = Effect.gen(function*() {
  const store = yield* BlobStore
  const id = newId()
  yield* store.createContainer(id)
  return yield* store.container(id, "write")
})

const beat = (pid: number, host: string) => {
  const body = bytes(JSON.stringify({ pid, host, at: new Date().toISOString() }))
  return { body, options: { contentMd5: BufferFormat.md5Base64(body) } }
}

describe("a writer's lease", () => {
  test("a writer on another host whose heartbeats stopped: the reader fails, naming it", async () => {
    const error = await run(Effect.gen(function*() {
      const container = yield* fresh
      yield* writeRaw(container, { blobs: [{ body: bytes("some ") }] })
      const { body, options } = beat(4242, "elsewhere")
      yield* container.putBlob(".bufferwriter.0", body, options)
      return yield* Effect.flip(readData(container, { writerStaleAfterMs: 300 }))
    }))
    assert.equal(error.reason, "WriterGone")
    assert.equal(error.message, "the buffer's writer (process 4242 on elsewhere) stopped sending heartbeats before finishing the buffer")
  })

  test("a gone writer's stored blobs are all written out, in order, before the read fails", async () => {
    const { written, error } = await run(Effect.gen(function*() {
      const container = yield* fresh
      yield* writeRaw(container, { blobs: ["one ", "two ", "three"].map((t) => ({ body: bytes(t) })) })
      const { body, options } = beat(4242, "elsewhere")
      yield* container.putBlob(".bufferwriter.0", body, options)
      // A slow output: the lease is found stale long before the stored blobs are out.
      const chunks: Array<string> = []
      const sink = { write: (chunk: Uint8Array) => sleep(150).then(() => void chunks.push(text(chunk))), close: () => Promise.resolve() }
      const error = yield* Effect.flip(BufferReader.read(container, sink, { writerStaleAfterMs: 1, endPollInterval: "10 millis" }))
      return { written: chunks.join(""), error }
    }))
    assert.equal(written, "one two three")
    assert.equal(error.reason, "WriterGone")
  })

  test("a live writer that pauses longer than the reader's patience, but keeps beating, is read to the end", async () => {
    const data = await run(Effect.gen(function*() {
      const container = yield* fresh
      async function* slow() {
        yield bytes("first ")
        await sleep(1200)
        yield bytes("second")
      }
      const writing = BufferWriter.write(container, BufferWriter.fromIterable(slow()), {
        heartbeatInterval: Duration.millis(100),
        flushInterval: Duration.millis(50)
      })
      const [, read] = yield* Effect.all([writing, readData(container, { writerStaleAfterMs: 500 })], { concurrency: 2 })
      return read
    }))
    assert.equal(text(data), "first second")
  })

  test("without a lease (a buffer written by Tyger) the reader waits for the writer as Tyger's does", async () => {
    const outcome = await run(Effect.gen(function*() {
      const container = yield* fresh
      yield* writeRaw(container, { blobs: [{ body: bytes("x") }] })
      return yield* readData(container, { writerStaleAfterMs: 100 }).pipe(Effect.timeoutOption(Duration.millis(800)))
    }))
    assert.equal(outcome._tag, "None")
  })
})
