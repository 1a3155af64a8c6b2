// The relay of one ephemeral buffer (see EphemeralBuffers): a unix socket served by the run's monitor, through which
// one other process writes the run's input or reads its output, once. Tyger's relay speaks HTTP (PUT → 202, GET → 200
// with an `x-ms-error-code` trailer); this one is only ever spoken to by tyger-ts' own client, below, so it is a
// smaller protocol with the same outcomes and messages:
//
//   client → `PUT <query>\n` or `GET <query>\n`        (the access URL's SAS query)
//   server → `100\n` (PUT: send) or `200\n` (GET: receiving), or `<status> <code>\n` and the connection ends
//   data   → frames `[u32 big-endian length][bytes]`, a zero length ends the data (a connection that ends without it
//            is a writer or reader that went away: never a clean end-of-file for the program); a length of 2^32-1
//            stops the data early, and the final answer that follows says why
//   server → after a PUT's data: `202\n` or `500 <code>\n`; after a GET's data: `200\n` or `500 <code>\n`
import { Buffer } from "node:buffer"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Path from "node:path"
import type { ByteSink, ByteSource } from "./ByteStream.ts"
import * as EphemeralBuffers from "./EphemeralBuffers.ts"
import { forEachChunk } from "./SourceChunks.ts"

/** Tyger's relay error codes. */
export const ALREADY_CALLED = "AlreadyCalled"
export const TRANSFER_FAILED = "TransferFailed"
export const CONTEXT_CANCELLED = "ContextCancelled"
const AUTHENTICATION_FAILED = "AuthenticationFailed"

/** Tyger's client-side texts for the relay's codes (`relayErrorCodeToErr`). */
const codeText = (code: string): string =>
  code === ALREADY_CALLED ? "the buffer endpoint can only be called once" : code === CONTEXT_CANCELLED ? "context cancelled" : code

/** Bytes per frame a relay end sends. */
const FRAME = 1024 * 1024
const END = new Uint8Array(4)
const ABORTED = 0xffff_ffff

const frameHeader = (length: number): Uint8Array => {
  const header = Buffer.allocUnsafe(4)
  header.writeUInt32BE(length, 0)
  return header
}

/** Writes to a socket, resolving once the bytes are handed to the kernel (so the caller may reuse them). */
const send = (socket: Net.Socket, bytes: Uint8Array): Promise<void> =>
  new Promise((resolve, reject) => {
    socket.write(bytes, (error) => (error === undefined || error === null ? resolve() : reject(error)))
  })

/** Pull-based reading of a socket: lines, exact byte counts, and whatever has arrived (up to a limit). */
class Incoming {
  private readonly chunks: AsyncIterator<Uint8Array>
  private pending: Uint8Array = new Uint8Array(0)

  constructor(socket: Net.Socket) {
    this.chunks = (socket as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
  }

  private async more(): Promise<boolean> {
    const next = await this.chunks.next()
    if (next.done === true) return false
    this.pending = this.pending.length === 0 ? next.value : Buffer.concat([this.pending, next.value])
    return true
  }

  /** The next line without its `\n`, or undefined if the connection ended first. */
  async line(): Promise<string | undefined> {
    for (;;) {
      const at = this.pending.indexOf(10)
      if (at >= 0) {
        const text = Buffer.from(this.pending.subarray(0, at)).toString("utf8")
        this.pending = this.pending.subarray(at + 1)
        return text
      }
      if (this.pending.length > 64 * 1024 || !(await this.more())) return undefined
    }
  }

  /** Up to `max` bytes as they arrive (a view the caller may keep), or undefined if the connection ended first. */
  async some(max: number): Promise<Uint8Array | undefined> {
    if (this.pending.length === 0 && !(await this.more())) return undefined
    const piece = this.pending.subarray(0, max)
    this.pending = this.pending.subarray(piece.length)
    return piece
  }

  /** A frame's length, or undefined if the connection ended first. */
  async frameLength(): Promise<number | undefined> {
    while (this.pending.length < 4) if (!(await this.more())) return undefined
    const length = Buffer.from(this.pending.buffer, this.pending.byteOffset, 4).readUInt32BE(0)
    this.pending = this.pending.subarray(4)
    return length
  }
}

class Gone extends Error {}

/** Sends the frames of `source`'s bytes, then the end. */
const pour = async (socket: Net.Socket, source: ByteSource, onProgress?: (bytes: number) => void): Promise<void> => {
  let total = 0
  await forEachChunk(source, { blockSize: FRAME, flushMillis: 2 }, async (bytes) => {
    await send(socket, frameHeader(bytes.length))
    await send(socket, bytes)
    total += bytes.length
    onProgress?.(total)
  })
  await send(socket, END)
}

/** Receives frames into `sink` until the end; throws Gone if the connection ends before it. */
const drain = async (incoming: Incoming, sink: ByteSink | undefined, onProgress?: (bytes: number) => void): Promise<void> => {
  let total = 0
  for (;;) {
    const length = await incoming.frameLength()
    if (length === undefined) throw new Gone("the connection ended before the end of the data")
    if (length === 0 || length === ABORTED) return
    for (let left = length; left > 0;) {
      const piece = await incoming.some(left)
      if (piece === undefined) throw new Gone("the connection ended before the end of the data")
      left -= piece.length
      total += piece.length
      if (sink !== undefined) await sink.write(piece)
      onProgress?.(total)
    }
  }
}

interface Call {
  readonly socket: Net.Socket
  readonly incoming: Incoming
}

export interface RelayServer {
  /** The one writer's bytes (an input's relay): resolves at their end; rejects if the writer went away first. */
  readonly receive: (sink: ByteSink) => Promise<void>
  /** Sends `source` to the one reader (an output's relay); rejects if the reader went away or the source failed. */
  readonly send: (source: ByteSource) => Promise<void>
  /** No data will be taken any more (the program is gone): a writer's bytes are accepted and dropped. */
  readonly discard: () => void
  /** Stops listening and removes the socket: later clients are told the relay does not exist. */
  readonly close: () => Promise<void>
}

/**
 * Listens for the one client of ephemeral buffer `uid`: a writer (PUT) for an input of the run, a reader (GET) for
 * an output. Every other call is answered `400 AlreadyCalled`, a call in the other direction `405`, a bad or
 * expired signature `403`.
 */
export const listen = async (options: {
  readonly socket: string
  readonly uid: string
  readonly direction: "input" | "output"
  readonly key: Uint8Array
}): Promise<RelayServer> => {
  await Fs.promises.mkdir(Path.dirname(options.socket), { recursive: true, mode: 0o700 })
  await Fs.promises.rm(options.socket, { force: true })
  const method = options.direction === "input" ? "PUT" : "GET"
  let called = false
  let closed = false
  let discarding = false
  let accept: ((call: Call) => void) | undefined
  let refuse: ((error: Error) => void) | undefined
  const call = new Promise<Call>((resolve, reject) => {
    accept = resolve
    refuse = reject
  })
  // Nobody may be waiting for the call when the run ends before a client came.
  call.catch(() => undefined)
  const sockets = new Set<Net.Socket>()

  const server = Net.createServer((socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
    socket.on("error", () => undefined)
    const incoming = new Incoming(socket)
    void incoming.line().then((request) => {
      const answer = (status: string) => void socket.end(`${status}\n`)
      const [verb = "", query = ""] = (request ?? "").split(" ")
      if (verb !== "PUT" && verb !== "GET") return answer("400 InvalidRequest")
      if (verb !== method) return answer("405 MethodNotAllowed")
      const refused = EphemeralBuffers.refusal(options.key, options.uid, new URLSearchParams(query), verb === "PUT" ? "write" : "read")
      if (refused !== undefined) return answer(`403 ${AUTHENTICATION_FAILED}`)
      if (called || closed) return answer(`400 ${ALREADY_CALLED}`)
      called = true
      socket.write(verb === "PUT" ? "100\n" : "200\n")
      accept?.({ socket, incoming })
    }, () => socket.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.socket, () => resolve())
  })
  await Fs.promises.chmod(options.socket, 0o600).catch(() => undefined)

  const receive = async (sink: ByteSink): Promise<void> => {
    const { socket, incoming } = await call
    try {
      await drain(incoming, { write: (chunk) => (discarding ? Promise.resolve() : sink.write(chunk)), close: () => Promise.resolve() })
    } catch (error) {
      socket.destroy()
      throw error instanceof Gone ? new Error("the writer of the ephemeral buffer went away before the end of its data") : error
    }
    socket.end("202\n")
  }

  const sendTo = async (source: ByteSource): Promise<void> => {
    const { socket } = await call
    try {
      await pour(socket, source)
    } catch (error) {
      // The reader learns that what it got is not the whole output (Tyger's trailer).
      socket.end(Buffer.concat([frameHeader(ABORTED), Buffer.from(`500 ${TRANSFER_FAILED}\n`)]))
      throw error
    }
    await new Promise<void>((resolve) => socket.end("200\n", () => resolve()))
  }

  const discard = () => {
    discarding = true
    // A writer still sending is drained to its end, then told its data was accepted.
    void call.then(({ socket, incoming }) =>
      drain(incoming, undefined).then(() => void socket.end("202\n"), () => socket.destroy()), () => undefined)
  }

  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    refuse?.(new Error("the run has ended"))
    await new Promise<void>((resolve) => server.close(() => resolve()))
    for (const socket of sockets) {
      if (!socket.writableEnded) socket.end(Buffer.concat([frameHeader(ABORTED), Buffer.from(`500 ${CONTEXT_CANCELLED}\n`)]))
    }
    await Fs.promises.rm(options.socket, { force: true }).catch(() => undefined)
  }

  return { receive, send: sendTo, discard, close }
}

/** How long a client waits for a relay whose socket exists but does not answer yet (the run's monitor starting). */
const CONNECT_PATIENCE_MS = 60_000

const connect = async (socketPath: string): Promise<Net.Socket> => {
  const began = Date.now()
  for (let attempt = 0;; attempt++) {
    const outcome = await new Promise<Net.Socket | NodeJS.ErrnoException>((resolve) => {
      const socket = Net.connect(socketPath)
      socket.once("connect", () => resolve(socket))
      socket.once("error", (error) => resolve(error))
    })
    if (outcome instanceof Net.Socket) {
      outcome.on("error", () => undefined)
      return outcome
    }
    if (outcome.code === "ENOENT") throw new Error("buffer relay server does not exist")
    if (outcome.code !== "ECONNREFUSED" || Date.now() - began > CONNECT_PATIENCE_MS) {
      throw new Error(`error connecting to relay server: ${outcome.message}`)
    }
    await new Promise((resolve) => setTimeout(resolve, attempt < 10 ? 100 : 500))
  }
}

/** Opens a call and reads the server's first answer; throws Tyger's client message when it is a refusal. */
const open = async (url: string, verb: "PUT" | "GET"): Promise<{ readonly socket: Net.Socket; readonly incoming: Incoming }> => {
  const parsed = EphemeralBuffers.parseUrl(url)
  if (parsed === undefined) throw new Error("not a relay access URL")
  const what = verb === "PUT" ? "writing to" : "reading from"
  const socket = await connect(parsed.socket)
  const incoming = new Incoming(socket)
  const query = new URLSearchParams(parsed.query)
  query.delete("relay")
  socket.write(`${verb} ${query.toString()}\n`)
  const answer = (await incoming.line()) ?? `500 ${CONTEXT_CANCELLED}`
  if (answer === (verb === "PUT" ? "100" : "200")) return { socket, incoming }
  socket.destroy()
  const [status, code = ""] = answer.split(" ")
  // Tyger's texts, swapped as its client swaps them.
  if (status === "405") {
    throw new Error(verb === "PUT" ? "the buffer is an output buffer and cannot be read from" : "the buffer is an input buffer and cannot be written to")
  }
  throw new Error(`error ${what} relay: ${codeText(code)}`)
}

const finalAnswer = async (incoming: Incoming, socket: Net.Socket, expected: string, what: string): Promise<void> => {
  const answer = await incoming.line()
  socket.destroy()
  if (answer === expected) return
  const code = answer?.split(" ")[1] ?? CONTEXT_CANCELLED
  throw new Error(`error ${what} relay: ${codeText(code)}`)
}

/** Tyger's `relayWrite`: all of `source` into the ephemeral input buffer behind `url`. */
export const write = async (url: string, source: ByteSource, onProgress?: (bytes: number) => void): Promise<void> => {
  const { socket, incoming } = await open(url, "PUT")
  try {
    await pour(socket, source, onProgress)
  } catch (error) {
    socket.destroy()
    throw error
  }
  await finalAnswer(incoming, socket, "202", "writing to")
}

/** Tyger's `readRelay`: the ephemeral output buffer behind `url` into `sink`. */
export const read = async (url: string, sink: ByteSink, onProgress?: (bytes: number) => void): Promise<void> => {
  const { socket, incoming } = await open(url, "GET")
  try {
    await drain(incoming, sink, onProgress)
  } catch (error) {
    socket.destroy()
    throw error instanceof Gone ? new Error("error reading from relay: the run's relay went away before the end of the data") : error
  }
  await finalAnswer(incoming, socket, "200", "reading from")
}
