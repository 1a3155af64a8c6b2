// The relay of an ephemeral buffer against its client, without a run: one writer or one reader, Tyger's refusals and
// messages, and a writer or source that fails never passing for a clean end.
import assert from "node:assert/strict"
import { randomBytes } from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { after, describe, test } from "node:test"
import { Effect } from "effect"
import * as BufferReader from "../../../engine/buffers/BufferReader.ts"
import type { ByteSink, ByteSource } from "../../../engine/buffers/ByteStream.ts"
import * as EphemeralAccess from "../../../engine/buffers/EphemeralAccess.ts"
import * as EphemeralBuffers from "../../../engine/buffers/EphemeralBuffers.ts"
import * as EphemeralRelay from "../../../engine/buffers/EphemeralRelay.ts"
import * as AccessUrl from "../../../engine/buffers/internal/BlobAccessUrl.ts"
import { tempDir } from "../../support/Run.ts"

const dirs: Array<string> = []
after(() => dirs.forEach((d) => Fs.rmSync(d, { recursive: true, force: true })))

const sourceOf = (bytes: Uint8Array, chunk = 100_000): ByteSource => {
  let at = 0
  return {
    read: async (buffer, offset, length) => {
      const n = Math.min(length, chunk, bytes.length - at)
      buffer.set(bytes.subarray(at, at + n), offset)
      at += n
      return n
    },
    isRegularFile: async () => false,
    close: async () => undefined
  }
}

const relayFor = async (direction: "input" | "output") => {
  const dataDir = tempDir("tyger-relay-")
  dirs.push(dataDir)
  const key = await EphemeralBuffers.signingKey(dataDir)
  const uid = "abcdefghijklmnopqrstuvwxyz"
  const socket = EphemeralBuffers.socketPath(dataDir, uid)
  const server = await EphemeralRelay.listen({ socket, uid, direction, key })
  const url = (access: "read" | "write", ttl = 3600) => EphemeralBuffers.accessUrl(key, socket, uid, access, ttl)
  return { server, url, socket, key, uid }
}

describe("ephemeral relay", () => {
  test("an input's one writer: every byte in order, then 202; a second writer is told the endpoint can only be called once", async () => {
    const { server, url } = await relayFor("input")
    const data = randomBytes(3 * 1024 * 1024 + 7)
    const received = BufferReader.collect()
    const receiving = server.receive(received)
    await EphemeralRelay.write(url("write"), sourceOf(data))
    await receiving
    assert.deepEqual(Buffer.from(received.bytes()), data)
    await assert.rejects(EphemeralRelay.write(url("write"), sourceOf(data)), {
      message: "error writing to relay: the buffer endpoint can only be called once"
    })
    await server.close()
  })

  test("an output's one reader gets the bytes; a source that fails ends its stream with TransferFailed", async () => {
    const good = await relayFor("output")
    const data = randomBytes(2 * 1024 * 1024)
    const sink = BufferReader.collect()
    const [, read] = await Promise.all([good.server.send(sourceOf(data)), EphemeralRelay.read(good.url("read"), sink)])
    assert.equal(read, undefined)
    assert.deepEqual(Buffer.from(sink.bytes()), data)
    await good.server.close()

    const bad = await relayFor("output")
    let calls = 0
    const failing: ByteSource = { ...sourceOf(data), read: async (b, o, l) => (++calls > 2 ? Promise.reject(new Error("boom")) : sourceOf(data).read(b, o, l)) }
    const sending = bad.server.send(failing)
    sending.catch(() => undefined)
    await assert.rejects(EphemeralRelay.read(bad.url("read"), BufferReader.collect()), { message: "error reading from relay: TransferFailed" })
    await assert.rejects(sending, { message: "boom" })
    await bad.server.close()
  })

  test("refusals: the wrong direction (Tyger's swapped texts), a read-only URL for writing, a forged or expired URL", async () => {
    const { server, url, socket, key, uid } = await relayFor("input")
    await assert.rejects(EphemeralRelay.read(url("read"), BufferReader.collect()), {
      message: "the buffer is an input buffer and cannot be written to"
    })
    await assert.rejects(EphemeralRelay.write(url("read"), sourceOf(new Uint8Array(1))), {
      message: "error writing to relay: AuthenticationFailed"
    })
    const forged = url("write").replace(/sig=[^&]+/, "sig=AAAA")
    await assert.rejects(EphemeralRelay.write(forged, sourceOf(new Uint8Array(1))), { message: "error writing to relay: AuthenticationFailed" })
    const now = Math.floor(Date.now() / 1000)
    const expiredQuery = AccessUrl.query(key, { containerId: uid, access: "write", start: now - 7200, expiry: now - 3600 })
    const expired = `http+unix://${socket}:?${expiredQuery}&relay=true`
    await assert.rejects(EphemeralRelay.write(expired, sourceOf(new Uint8Array(1))), { message: "error writing to relay: AuthenticationFailed" })
    // None of these used the buffer up: the real writer still gets through.
    const sink = BufferReader.collect()
    const receiving = server.receive(sink)
    await EphemeralRelay.write(url("write"), sourceOf(new TextEncoder().encode("ok")))
    await receiving
    assert.equal(new TextDecoder().decode(sink.bytes()), "ok")
    await server.close()
  })

  test("a writer that goes away before the end fails the receiver, never a clean end; after close the relay does not exist", async () => {
    const { server, url } = await relayFor("input")
    const sink: ByteSink = { write: async () => undefined, close: async () => undefined }
    const receiving = server.receive(sink)
    receiving.catch(() => undefined)
    const stalled: ByteSource = {
      read: (() => {
        let first = true
        return async (buffer: Uint8Array, offset: number) => {
          if (first) {
            first = false
            buffer[offset] = 1
            return 1
          }
          throw new Error("the writer's input broke")
        }
      })(),
      isRegularFile: async () => false,
      close: async () => undefined
    }
    await assert.rejects(EphemeralRelay.write(url("write"), stalled), { message: "the writer's input broke" })
    await assert.rejects(receiving, { message: "the writer of the ephemeral buffer went away before the end of its data" })
    await server.close()
    await assert.rejects(EphemeralRelay.write(url("write"), sourceOf(new Uint8Array(1))), { message: "buffer relay server does not exist" })
  })

  test("a read through the engine closes its sink after the last byte, as a blob read does (stdout's thread flushes there)", async () => {
    const { server, url } = await relayFor("output")
    const data = randomBytes(300_000)
    const events: Array<string> = []
    const collected = BufferReader.collect()
    const sink: ByteSink = {
      write: (chunk) => {
        events.push("write")
        return collected.write(chunk)
      },
      close: async () => void events.push("close")
    }
    try {
      await Promise.all([server.send(sourceOf(data)), Effect.runPromise(EphemeralAccess.read(url("read"), sink))])
      assert.deepEqual(Buffer.from(collected.bytes()), data)
      assert.equal(events.at(-1), "close")
      assert.equal(events.filter((e) => e === "close").length, 1)
    } finally {
      await server.close()
    }
  })

  test("ids and URLs: Tyger's shapes; a data directory too deep for a socket path gets one under the temporary directory", () => {
    const temporary = EphemeralBuffers.temporaryId()
    assert.match(temporary, /^temp-[a-z2-7]{26}$/)
    const qualified = EphemeralBuffers.qualify(temporary, 42)
    assert.equal(qualified, `run-42-${temporary}`)
    assert.deepEqual(EphemeralBuffers.parse(qualified), { runId: 42, uid: temporary.slice(5) })
    assert.equal(EphemeralBuffers.parse(temporary), undefined)
    assert.equal(EphemeralBuffers.isEphemeral("yf4sx2aqzitepjhmxjhanomn5e"), false)
    const deep = Path.join("/tmp", "x".repeat(120))
    const socket = EphemeralBuffers.socketPath(deep, "u".repeat(26))
    assert.ok(Buffer.byteLength(socket) <= 100, socket)
    assert.equal(EphemeralBuffers.socketPath(deep, "u".repeat(26)), socket)
    const url = EphemeralBuffers.accessUrl(new Uint8Array(32), "/tmp/a b/ephemeral/uid", "uid", "read", 60)
    assert.deepEqual(EphemeralBuffers.parseUrl(url)?.socket, "/tmp/a b/ephemeral/uid")
    assert.equal(EphemeralBuffers.parseUrl("file:///tmp/x?sv=0.1.0"), undefined)
  })
})
