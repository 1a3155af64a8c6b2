import assert from "node:assert/strict"
import { describe, test } from "node:test"
import * as SinkSource from "../../../providers/docker/internal/SinkSource.ts"

const bytes = (s: string) => new TextEncoder().encode(s)
const text = (b: Uint8Array) => new TextDecoder().decode(b)

/** Reads the source to its end (or its failure), `size` bytes at most per read. */
const drain = async (source: SinkSource.SinkSource["source"], size = 1024): Promise<string> => {
  const parts: Array<string> = []
  const buffer = new Uint8Array(size)
  for (let n = await source.read(buffer, 0, size); n > 0; n = await source.read(buffer, 0, size)) {
    parts.push(text(buffer.subarray(0, n)))
  }
  return parts.join("")
}

const settledWithin = async (promise: Promise<unknown>, millis = 50): Promise<boolean> =>
  Promise.race([promise.then(() => true, () => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), millis))])

describe("SinkSource", () => {
  test("bytes written come out in order, across chunk boundaries, then the end", async () => {
    const { sink, source } = SinkSource.make()
    const reading = drain(source, 3)
    await sink.write(bytes("hello "))
    await sink.write(bytes("sockets"))
    await sink.close()
    assert.equal(await reading, "hello sockets")
    assert.equal(await source.isRegularFile(), false)
  })

  test("a write waits while the queue is full, until the reader takes bytes (backpressure)", async () => {
    const { sink, source } = SinkSource.make(4)
    await sink.write(bytes("ab"))
    const full = sink.write(bytes("cdef"))
    assert.equal(await settledWithin(full), false)
    const buffer = new Uint8Array(3)
    assert.equal(await source.read(buffer, 0, 3), 3)
    assert.equal(text(buffer), "abc")
    await full
    const closed = sink.close()
    assert.equal(await settledWithin(closed), false, "close waits for the bytes to be read")
    assert.equal(await drain(source), "def")
    await closed
  })

  test("a failure reaches the reader after the bytes queued; the buffer writer never sees a clean end", async () => {
    const { sink, source, fail } = SinkSource.make()
    await sink.write(bytes("partial"))
    fail(new Error("the adapter failed"))
    const buffer = new Uint8Array(64)
    assert.equal(await source.read(buffer, 0, 64), 7)
    await assert.rejects(source.read(buffer, 0, 64), /the adapter failed/)
  })

  test("a failure after the clean end changes nothing", async () => {
    const { sink, source, fail } = SinkSource.make()
    await sink.write(bytes("whole"))
    const closed = sink.close()
    fail(new Error("too late"))
    assert.equal(await drain(source), "whole")
    await closed
  })

  test("a reader that closes early fails pending and later writes, and close", async () => {
    const { sink, source } = SinkSource.make(2)
    const pending = sink.write(bytes("abc"))
    await source.close()
    await assert.rejects(pending, SinkSource.SourceClosed)
    await assert.rejects(sink.write(bytes("x")), SinkSource.SourceClosed)
    await assert.rejects(sink.close(), SinkSource.SourceClosed)
  })

  test("a reader waiting for bytes is woken by a write, by the end, and by a failure", async () => {
    const a = SinkSource.make()
    const buffer = new Uint8Array(8)
    const first = a.source.read(buffer, 0, 8)
    await a.sink.write(bytes("x"))
    assert.equal(await first, 1)
    const ending = a.source.read(buffer, 0, 8)
    await a.sink.close()
    assert.equal(await ending, 0)
    const b = SinkSource.make()
    const failing = b.source.read(buffer, 0, 8)
    b.fail(new Error("stopped"))
    await assert.rejects(failing, /stopped/)
  })
})
