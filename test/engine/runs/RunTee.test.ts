// The tees `run exec` uses so that each byte is read and hashed once per buffer (engine/runs/RunTee.ts): the
// feed gets exactly the bytes the buffer gets, in order, whichever way the writer reads its source; memory is not
// released under a pipe write; a broken sink does not break the buffer.
import assert from "node:assert/strict"
import { createHash } from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { describe, test } from "node:test"
import { Effect, Layer } from "effect"
import * as BufferReader from "../../../engine/buffers/BufferReader.ts"
import { Buffers } from "../../../engine/buffers/Buffers.ts"
import * as BufferWriter from "../../../engine/buffers/BufferWriter.ts"
import type { Block } from "../../../engine/buffers/ByteStream.ts"
import { fromGenerator } from "../../../engine/buffers/internal/ByteSource.ts"
import { tapOutput, teeInput } from "../../../engine/runs/RunTee.ts"
import * as LocalBlobStore from "../../../engine/buffers/LocalBlobStore.ts"
import { Store } from "../../../engine/store/Store.ts"
import { tempDir } from "../../support/Run.ts"

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

const pattern = (size: number) =>
  fromGenerator(size, (buffer, offset, length, position) => {
    for (let i = 0; i < length; i++) buffer[offset + i] = ((position + i) * 2654435761) >>> 24
  })

const expected = (size: number) => {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = (i * 2654435761) >>> 24
  return bytes
}

/** A sink that copies (the pump's pipe does not keep chunks; this one must not either), slowed down a little. */
const slowCopy = () => {
  const chunks: Array<Uint8Array> = []
  return {
    write: async (chunk: Uint8Array) => {
      await new Promise((resolve) => setTimeout(resolve, 1))
      chunks.push(chunk.slice())
    },
    close: () => Promise.resolve(),
    bytes: () => {
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
      chunks.reduce((offset, c) => (out.set(c, offset), offset + c.length), 0)
      return out
    }
  }
}

const withBuffers = <E>(program: Effect.Effect<void, E, Buffers>): Promise<void> => {
  const dataDir = tempDir("tyger-tee-")
  const layer = Buffers.layer.pipe(Layer.provideMerge(LocalBlobStore.layer({ dataDir })), Layer.provideMerge(Store.layer({ dataDir })))
  return Effect.runPromise(Effect.provide(program, layer) as Effect.Effect<void, unknown>)
}

const writeAndRead = (source: BufferWriter.ByteSource, options: BufferWriter.WriteOptions = {}) =>
  Effect.gen(function*() {
    const buffers = yield* Buffers
    const buffer = yield* buffers.create({})
    yield* buffers.write(yield* buffers.open({ _tag: "BufferId", id: buffer.id }, "write"), source, options)
    const sink = BufferReader.collect()
    yield* buffers.read(yield* buffers.open({ _tag: "BufferId", id: buffer.id }, "read"), sink)
    return sink.bytes()
  })

/**
 * Stores the tee's source in a buffer while its feed drains into a slow pipe, and checks that both got the `size`
 * bytes of the pattern.
 */
const storeAndPipe = (tee: ReturnType<typeof teeInput>, size: number, blockSize: number) =>
  Effect.gen(function*() {
    const pipe = slowCopy()
    const drained = tee.feed.drainTo(pipe)
    const stored = yield* writeAndRead(tee.source, { blockSize })
    yield* Effect.promise(() => drained)
    assert.equal(sha(stored), sha(expected(size)))
    assert.equal(sha(pipe.bytes()), sha(expected(size)))
  })

describe("teeInput", () => {
  test("a source read by `read`: the pipe gets exactly what the buffer gets (9 MiB, 1 MiB blocks)", () =>
    withBuffers(Effect.gen(function*() {
      const size = 9 * 1024 * 1024 + 17
      yield* storeAndPipe(teeInput(pattern(size)), size, 1024 * 1024)
    })))

  test("a source with its own reading thread: blocks are released only after the pipe took them", () =>
    withBuffers(Effect.gen(function*() {
      const size = 6 * 1024 * 1024 + 5
      const file = Path.join(tempDir("tyger-tee-file-"), "input")
      Fs.writeFileSync(file, expected(size))
      const inner = BufferWriter.fromFile(file)
      assert.ok(inner.blocks !== undefined, "fromFile has a reading thread")
      yield* storeAndPipe(teeInput(inner), size, 512 * 1024)
    })))

  test("release waits for the pipe; discard lets everything through", async () => {
    const shared = (...values: Array<number>) => {
      const bytes = new Uint8Array(new SharedArrayBuffer(values.length))
      bytes.set(values)
      return bytes
    }
    const blocks: Array<Block> = [{ bytes: shared(1, 2) }, { bytes: shared(3) }, { bytes: new Uint8Array([4]) }]
    const released: Array<number> = []
    const source: BufferWriter.ByteSource = {
      read: () => Promise.resolve(0),
      isRegularFile: () => Promise.resolve(false),
      close: () => Promise.resolve(),
      blocks: () => ({ next: () => Promise.resolve(blocks.shift()), release: (bytes) => released.push(bytes[0]!) })
    }
    const { source: teed, feed } = teeInput(source)
    const reader = teed.blocks!({ blockSize: 4, flushMillis: 0, arenas: 2 })
    const first = (await reader.next())!
    reader.release!(first.bytes)
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.deepEqual(released, [], "released before the pipe took it")
    let unblock!: () => void
    const gate = new Promise<void>((resolve) => (unblock = resolve))
    const taken: Array<number> = []
    const drained = feed.drainTo({ write: async (chunk) => {
      await gate
      taken.push(...chunk)
    }, close: () => Promise.resolve() })
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.deepEqual(released, [])
    unblock()
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.deepEqual(released, [1])
    // A block in movable memory is handed to the writer only once the pipe has it.
    const second = (await reader.next())!
    reader.release!(second.bytes)
    const third = await reader.next()
    assert.deepEqual(taken, [1, 2, 3, 4])
    feed.discard()
    reader.release!(third!.bytes)
    assert.equal(await reader.next(), undefined)
    await drained
    await new Promise((resolve) => setTimeout(resolve, 0))
    assert.deepEqual(released, [1, 3, 4])
  })

  test("a writer that gives up early fails the feed: the program must not see a clean end-of-file", async () => {
    const { source, feed } = teeInput(pattern(1000))
    const drained = feed.drainTo({ write: () => Promise.resolve(), close: () => Promise.resolve() })
    await source.read(new Uint8Array(100), 0, 100)
    await source.close()
    await assert.rejects(drained, /ended early/)
  })
})

describe("tapOutput", () => {
  test("the sink gets copies of everything the buffer gets; a failing sink stops only the tap", () =>
    withBuffers(Effect.gen(function*() {
      const size = 3 * 1024 * 1024 + 3
      const kept = BufferReader.collect()
      const stored = yield* writeAndRead(tapOutput(pattern(size), kept), { blockSize: 256 * 1024 })
      assert.equal(sha(kept.bytes()), sha(expected(size)))
      assert.equal(sha(stored), sha(expected(size)))
      let writes = 0
      const broken = { write: () => (writes++, Promise.reject(new Error("EPIPE"))), close: () => Promise.resolve() }
      const stillStored = yield* writeAndRead(tapOutput(pattern(size), broken), { blockSize: 256 * 1024 })
      assert.equal(sha(stillStored), sha(expected(size)))
      assert.equal(writes, 1)
    })))
})
