// Pure parts of the data plane: Tyger's format vectors, `buffer gen` and its size grammar, error texts, and the block
// splitter's flushing.
import assert from "node:assert/strict"
import { createHash } from "node:crypto"
import { describe, test } from "node:test"
import { Effect, Result } from "effect"
import { BlobStoreError, type Container } from "../../../engine/buffers/BlobStore.ts"
import { fromBlobStoreError } from "../../../engine/buffers/BufferDataError.ts"
import * as BufferFormat from "../../../engine/buffers/BufferFormat.ts"
import * as BufferGen from "../../../engine/buffers/BufferGen.ts"
import * as BufferReader from "../../../engine/buffers/BufferReader.ts"
import * as BufferWriter from "../../../engine/buffers/BufferWriter.ts"
import type { Blocks, ByteSource } from "../../../engine/buffers/ByteStream.ts"
import * as BlockSplitter from "../../../engine/buffers/internal/BlockSplitter.ts"
import { bytes, failingSource, MiB, text } from "./Helpers.ts"

describe("BufferFormat", () => {
  test("MakeBlobPath: every example Tyger documents", () => {
    const examples: Array<[number, string]> = [
      [0, "00/000"],
      [0x400, "00/400"],
      [0xfff, "00/FFF"],
      [0x1000, "01/000"],
      [0x2000, "02/00/000"],
      [0x2010, "02/00/010"],
      [0x3fff, "02/01/FFF"],
      [0x5321, "03/01/321"],
      [0xffff, "04/07/FFF"],
      [0x1fffff, "09/FF/FFF"],
      [0x200000, "0A/00/00/000"],
      [0x10102345, "11/01/02/345"],
      [0x1fffffff, "11/FF/FF/FFF"]
    ]
    for (const [n, path] of examples) assert.equal(BufferFormat.blobPath(n), path, `0x${n.toString(16)}`)
  })

  test("blob paths sort in blob order", () => {
    const numbers = [0, 1, 0xfff, 0x1000, 0x1fff, 0x2000, 0x3fff, 0x4000, 0xffff, 0x10000, 0x1fffff, 0x200000, 2 ** 40]
    const paths = numbers.map(BufferFormat.blobPath)
    assert.deepEqual([...paths].sort(), paths)
    assert.throws(() => BufferFormat.blobPath(-1), RangeError)
    assert.throws(() => BufferFormat.blobPath(1.5), RangeError)
  })

  test("start and end bodies are Go's JSON, with Tyger's MD5s", () => {
    assert.equal(text(BufferFormat.startBody), `{"version":"0.3.0"}`)
    assert.equal(BufferFormat.md5Base64(BufferFormat.startBody), "jRl6v+tdX5RbfseHVtVXDw==")
    assert.equal(text(BufferFormat.endBody("complete")), `{"status":"complete"}`)
    assert.equal(BufferFormat.md5Base64(BufferFormat.endBody("complete")), "dDGK6tOTr1krU6jOyYJ/Rw==")
    assert.equal(text(BufferFormat.endBody("failed")), `{"status":"failed"}`)
    assert.equal(BufferFormat.md5Base64(new Uint8Array(0)), "1B2M2Y8AsgTpgAmY7PhCfg==")
  })

  test("the hash chain of Hello\\n: blob 0, then the empty end blob", () => {
    assert.equal(atob(BufferFormat.INITIAL_CHAIN), "0000000000000000")
    const md5 = BufferFormat.md5Base64(bytes("Hello\n"))
    assert.equal(md5, "CffgLxKQviEdpweiZvFTsw==")
    const chain0 = BufferFormat.nextChain(BufferFormat.INITIAL_CHAIN, md5)
    assert.equal(chain0, "2mCt+MKkf0AT8hYI3Edjmv5oYPpnNq7Lv4ZeFVlIN7c=")
    const chain1 = BufferFormat.nextChain(chain0, BufferFormat.md5Base64(new Uint8Array(0)))
    assert.equal(chain1, "UIyBXAduQFFRy3C67jR0ekURdmL6gAWpXgp7PQiNP10=")
    assert.equal(BufferFormat.HASH_CHAIN_HEADER, "x-ms-meta-cumulative_hash_chain")
  })

  test("start and end bodies parse as Go's json.Unmarshal would", () => {
    assert.equal(BufferFormat.parseStartVersion(BufferFormat.startBody), "0.3.0")
    assert.equal(BufferFormat.parseStartVersion(bytes(`{"version": "0.2.0", "x": 1}`)), "0.2.0")
    assert.equal(BufferFormat.parseStartVersion(bytes(`{}`)), "")
    assert.equal(BufferFormat.parseStartVersion(bytes(`[1]`)), undefined)
    assert.equal(BufferFormat.parseStartVersion(bytes(`{"version": 3}`)), undefined)
    assert.equal(BufferFormat.parseEndStatus(BufferFormat.endBody("failed")), "failed")
    assert.equal(BufferFormat.parseEndStatus(bytes("not json")), undefined)
  })
})

describe("BufferDataError texts", () => {
  const map = (reason: BlobStoreError["reason"], operation: "upload" | "download" | "access", message = "detail") =>
    fromBlobStoreError(operation)(new BlobStoreError({ reason, message }))

  test("storage reasons read as Tyger's client errors", () => {
    assert.equal(map("ContainerNotFound", "download").message, "the buffer does not exist")
    assert.equal(map("PermissionDenied", "upload").message, "the access url does not allow write access")
    assert.equal(map("AuthenticationFailed", "upload").message, "invalid access URL: detail")
    assert.equal(map("AuthenticationFailed", "download", "").message, "invalid access URL")
    assert.equal(map("BlobExists", "upload").message, "buffer cannot be overwritten")
    assert.equal(map("Md5Mismatch", "upload").message, "failed to upload blob: MD5 mismatch")
    assert.equal(map("Md5Mismatch", "download").message, "MD5 mismatch")
    assert.equal(map("Io", "upload", "disk full").message, "failed to upload blob: disk full")
    assert.equal(map("Unavailable", "download", "busy").reason, "StorageFailed")
  })
})

describe("buffer gen", () => {
  const hashOf = async (size: number) => {
    const hash = createHash("sha256")
    await Effect.runPromise(BufferGen.generate(size, {
      write: (chunk) => {
        hash.update(chunk)
        return Promise.resolve()
      },
      close: () => Promise.resolve()
    }))
    return hash.digest("hex")
  }

  test("Tyger's checksums of 32 MiB and 3 MiB", async () => {
    assert.equal(await hashOf(32 * MiB), "b997630f9de63d635b4f686f6e4d9827d253bcf3e0ee204186095486ff64793c")
    assert.equal(await hashOf(3 * MiB), "09d7daed99c15bcee48dfa269c7597a1036a371c90100dda6f4fdcfe7ab79385")
  })

  test("byte i is ':' + i mod 64, whatever the read sizes and phases", async () => {
    const source = BufferGen.source(1000)
    const out = new Uint8Array(1000)
    for (let offset = 0, step = 1; offset < 1000; step = (step * 7) % 97 + 1) {
      offset += await source.read(out, offset, Math.min(step, 1000 - offset))
    }
    assert.equal(await source.read(out, 0, 10), 0)
    assert.ok(out.every((byte, i) => byte === 0x3a + (i % 64)))
    assert.equal(text(out.subarray(0, 8)), ":;<=>?@A")
  })

  test("sizes parse as Tyger parses them", () => {
    const cases: Array<[string, number]> = [
      ["10MB", 10 * MiB],
      ["1G", 1024 * MiB],
      ["1GB", 1024 * MiB],
      ["1GiB", 1024 * MiB],
      ["32MiB", 32 * MiB],
      ["1KB", 1024],
      ["1KiB", 1024],
      ["1K", 1024],
      ["100", 100],
      ["100B", 100],
      ["0", 0],
      ["1.5KB", 1536],
      ["1GB512MB", 1536 * MiB],
      [".5K", 512]
    ]
    for (const [input, expected] of cases) assert.deepEqual(BufferGen.parseSize(input), Result.succeed(expected), input)
    const errors: Array<[string, string]> = [
      ["", "units: invalid "],
      ["abc", "units: invalid abcB"],
      ["1kB", "units: unknown unit kB in 1kB"],
      ["1XB", "units: unknown unit XB in 1XB"],
      ["1GiB512MB", "units: unknown unit GiB in 1GiB512MB"]
    ]
    for (const [input, message] of errors) assert.deepEqual(BufferGen.parseSize(input), Result.fail(message), input)
  })
})

describe("block splitting", () => {
  /** Answers reads with at most `step` bytes of `data`; once exhausted, waits for `more` before ending. */
  const stepSource = (data: Uint8Array, step: number, more?: Promise<void>): ByteSource => {
    let position = 0
    return {
      read: async (buffer, offset, length) => {
        if (position === data.length && more !== undefined) await more
        const n = Math.min(step, length, data.length - position)
        buffer.set(data.subarray(position, position + n), offset)
        position += n
        return n
      },
      isRegularFile: () => Promise.resolve(false),
      close: () => Promise.resolve()
    }
  }
  const all = async (blocks: Blocks) => {
    const out: Array<Uint8Array> = []
    for (let block = await blocks.next(); block !== undefined; block = await blocks.next()) out.push(block.bytes)
    return out
  }

  test("without flushing, blocks are exactly blockSize however small the reads", async () => {
    const data = new Uint8Array(95).map((_, i) => i)
    const out = await all(BlockSplitter.make(stepSource(data, 7), 20, 0))
    assert.deepEqual(out.map((block) => block.length), [20, 20, 20, 20, 15])
    assert.deepEqual(Array.from(out.flatMap((block) => Array.from(block))), Array.from(data))
  })

  test("pending data is flushed while a read is still waiting for input", async () => {
    let release: () => void = () => {}
    const more = new Promise<void>((resolve) => (release = resolve))
    const blocks = BlockSplitter.make(stepSource(bytes("abc"), 64, more), 16, 20)
    // `next` returns although the source is blocked: only the flush can end this wait.
    assert.equal(text((await blocks.next())!.bytes), "abc")
    release()
    assert.equal(await blocks.next(), undefined)
  })

  test("a block after a flush continues in the same arena and never exceeds blockSize", async () => {
    let release: () => void = () => {}
    const more = new Promise<void>((resolve) => (release = resolve))
    const data = bytes("0123456789")
    let position = 0
    const source: ByteSource = {
      read: async (buffer, offset, length) => {
        // The first read answers 4 bytes; the second blocks until released, then the rest comes as asked.
        if (position === 4) await more
        const n = Math.min(length, position === 0 ? 4 : data.length - position)
        buffer.set(data.subarray(position, position + n), offset)
        position += n
        return n
      },
      isRegularFile: () => Promise.resolve(false),
      close: () => Promise.resolve()
    }
    const blocks = BlockSplitter.make(source, 8, 20)
    assert.equal(text((await blocks.next())!.bytes), "0123")
    release()
    // The read in flight during the flush had 4 bytes of arena left: "4567" ends that arena, "89" starts the next.
    assert.deepEqual((await all(blocks)).map(text), ["4567", "89"])
  })

  test("the in-memory sink concatenates what it was given", async () => {
    const sink = BufferReader.collect()
    await sink.write(bytes("ab"))
    await sink.write(bytes("c"))
    assert.equal(text(sink.bytes()), "abc")
  })
})

describe("writer orchestration", () => {
  // A stub, not a backend: it checks what the writer does when storage hangs, which no real store does on demand.
  const hangingEnd = (): Container & { readonly paths: Array<string> } => {
    const paths: Array<string> = []
    return {
      id: "stub",
      write: true,
      paths,
      putBlob: (path) => (path === ".bufferend" ? Effect.never : Effect.sync(() => void paths.push(path))),
      getBlob: (path) => Effect.fail(new BlobStoreError({ reason: "BlobNotFound", message: path })),
      headBlob: (path) => Effect.fail(new BlobStoreError({ reason: "BlobNotFound", message: path }))
    }
  }

  test("a failed write gives up recording `.bufferend` after a bounded time", async () => {
    const container = hangingEnd()
    const error = await Effect.runPromise(Effect.flip(BufferWriter.write(container, failingSource(bytes("x"), "boom"))))
    assert.equal(error.message, "error reading from input: boom")
    // The start, and the first heartbeat of the writer's lease.
    assert.deepEqual(container.paths, [".bufferstart", ".bufferwriter.0"])
  })

  test("options are validated with Tyger's texts", async () => {
    const fail = (options: BufferWriter.WriteOptions) =>
      Effect.runPromise(Effect.flip(BufferWriter.write(hangingEnd(), BufferWriter.fromIterable([]), options)))
    assert.equal((await fail({ dop: 0 })).message, "the degree of parallelism (dop) must be at least 1")
    assert.equal((await fail({ blockSize: 0 })).reason, "InvalidOptions")
  })
})
