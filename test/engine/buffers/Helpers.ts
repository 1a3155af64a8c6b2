// Shared by the buffer tests: data, hashing and the Effects the suites run.
import { createHash, randomBytes, randomUUID } from "node:crypto"
import { Effect } from "effect"
import type { Container } from "../../../engine/buffers/BlobStore.ts"
import * as BufferFormat from "../../../engine/buffers/BufferFormat.ts"
import * as BufferReader from "../../../engine/buffers/BufferReader.ts"
import * as BufferWriter from "../../../engine/buffers/BufferWriter.ts"

export const KiB = 1024
export const MiB = 1024 * KiB

/** A fresh container name, valid on every backend (Azure: 3–63 lowercase letters, digits, hyphens). */
export const newId = (): string => `t${randomUUID().replaceAll("-", "")}`

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
export const text = (data: Uint8Array): string => new TextDecoder().decode(data)

export const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex")

/** Not periodic, so blobs swapped or dropped change the hash. */
export const randomData = (size: number): Uint8Array => new Uint8Array(randomBytes(size))

/** Pipe-sized pieces: the writer must assemble blocks from many reads. */
export const chunked = (data: Uint8Array, size = 64 * KiB): Array<Uint8Array> => {
  const chunks: Array<Uint8Array> = []
  for (let offset = 0; offset < data.length; offset += size) chunks.push(data.subarray(offset, offset + size))
  return chunks
}

export const sleep = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis))

export const writeData = (container: Container, data: Uint8Array, options?: BufferWriter.WriteOptions) =>
  BufferWriter.write(container, BufferWriter.fromIterable(chunked(data)), options)

export const readData = (container: Container, options?: BufferReader.ReadOptions) =>
  Effect.gen(function*() {
    const sink = BufferReader.collect()
    yield* BufferReader.read(container, sink, options)
    return sink.bytes()
  })

export interface RawBlob {
  readonly body: Uint8Array
  /** The chain value to store: omitted = the correct one, `null` = no chain metadata at all. */
  readonly chain?: string | null
}

/**
 * Writes a buffer blob by blob through the contract, bypassing the writer, to build damaged buffers: `blobs` are
 * data blobs from number 0 on (include the empty end blob yourself), `skip` leaves numbers out.
 */
export const writeRaw = (
  container: Container,
  options: {
    readonly start?: Uint8Array
    readonly blobs: ReadonlyArray<RawBlob>
    readonly skip?: ReadonlyArray<number>
    readonly end?: BufferFormat.EndStatus
  }
) =>
  Effect.gen(function*() {
    const put = (path: string, body: Uint8Array, metadata?: Record<string, string>) =>
      container.putBlob(path, body, {
        contentMd5: BufferFormat.md5Base64(body),
        ...(metadata === undefined ? {} : { metadata })
      })
    yield* put(BufferFormat.START_BLOB, options.start ?? BufferFormat.startBody)
    let chain = BufferFormat.INITIAL_CHAIN
    for (const [blobNumber, blob] of options.blobs.entries()) {
      chain = BufferFormat.nextChain(chain, BufferFormat.md5Base64(blob.body))
      if (options.skip?.includes(blobNumber) === true) continue
      const stored = blob.chain === undefined ? chain : blob.chain
      yield* put(
        BufferFormat.blobPath(blobNumber),
        blob.body,
        stored === null ? undefined : { [BufferFormat.HASH_CHAIN_KEY]: stored }
      )
    }
    if (options.end !== undefined) yield* put(BufferFormat.END_BLOB, BufferFormat.endBody(options.end))
  })

/** A source that yields `first`, then waits for `resume` (or `timeoutMillis`), then yields `rest` and ends. */
export const pausingSource = (first: Uint8Array, rest: Uint8Array, timeoutMillis: number) => {
  let resume: (by: string) => void = () => {}
  const resumed = new Promise<string>((resolve) => (resume = resolve))
  const source = BufferWriter.fromIterable((async function*() {
    yield first
    const timer = setTimeout(() => resume("timeout"), timeoutMillis)
    await resumed
    clearTimeout(timer)
    if (rest.length > 0) yield rest
  })())
  return { source, resume, resumed }
}

/** A source that yields `first` and then never ends (until interrupted). */
export const stallingSource = (first: Uint8Array) =>
  BufferWriter.fromIterable((async function*() {
    yield first
    await new Promise<never>(() => {})
  })())

/** A source that yields `first` and then fails. */
export const failingSource = (first: Uint8Array, message: string) =>
  BufferWriter.fromIterable((async function*() {
    yield first
    throw new Error(message)
  })())
