// The host end of a codespec's socket (`sockets: [{port, inputBuffer?, outputBuffer?}]`): what Tyger's
// `buffer-sidecar socket-adapt` does beside a socket program, done by the monitor instead of a container.
//
// Tyger's adapter dials the program's address, retrying until a connection timeout (10 minutes), copies the input
// buffer to the connection and then half-closes it (CloseWrite), copies what the program sends to the output buffer
// until the connection's end, and exits non-zero if either copy failed. A socket run is Succeeded once its adapters
// have exited 0, even if the program still runs: the adapter's success is the run's verdict on the data.
//
// Shape, for the monitor:
//
//   const adapter = SocketAdapter.adapt({ host, port, input: true, output, gone })   // starts connecting now
//   // the input pump streams the buffer into `adapter.input` (a ByteSink; `write` waits for the connection)
//   //   ok:     await adapter.input.end()            the program reads a clean end (FIN)
//   //   failed: adapter.input.abort(error)           the connection is reset: no clean end, ever
//   await adapter.done                               // both copies ended well, or the first failure
//   adapter.stop(cause)                              // cancel / timeout: stop connecting, reset the connection
//
// Choices, and why:
// - `input.close` never ends the connection. A buffer reader closes its sink when the read fails as well, and only
//   data that ended well may give the program its end (as the FIFO pump does); the monitor calls `end` or `abort`.
// - Unlike Tyger (whose input is a pipe that just closes), a failed input resets the connection (SO_LINGER 0, an
//   RST), so the program sees an error rather than a short input. Where a runtime cannot reset, the connection is
//   kept open until `gone` and then closed.
// - `write` resolves once the kernel has the chunk (the write callback), so the caller may reuse the chunk's memory
//   (a run tee hands out views of the writer's blocks) and a slow program slows the buffer read: backpressure.
// - The output sink's `write` promise is the socket's backpressure: the socket is paused while a write is pending.
//   The sink is closed (and awaited) at the connection's end, and left alone on failure: its owner decides whether a
//   partial output is failed or dropped.
// - Connection errors are retried whatever they are, as Tyger does, but every 100 ms doubling to 1 s (the program
//   is local) instead of every second, and never after `gone` opened: a program that exited will not listen.
// - A connection error while the input is still being written (a reset, a broken pipe) is a failure of the input
//   copy; once the input has ended, of the output copy.
// - Connect to the container's own address (its bridge IP): a published port's userland proxy accepts connections
//   before the program listens and then closes them, which would look like an empty output.
import * as Net from "node:net"
import type { ByteSink } from "../../../engine/buffers/ByteStream.ts"
import type { Latch } from "../../../engine/pipes/Latch.ts"

/** Tyger's `--connection-timeout` default. */
export const CONNECT_TIMEOUT_MILLIS = 10 * 60 * 1000
export const FIRST_RETRY_MILLIS = 100
export const MAX_RETRY_MILLIS = 1000

/**
 * Nothing accepted a connection in time; the program exited (`gone`) before it accepted one; the input could not be
 * written, or failed itself (`input.abort`); the output could not be read to its end, or its sink failed; `stop`.
 */
export type Reason = "ConnectTimeout" | "ProgramExited" | "InputCopy" | "OutputCopy" | "Stopped"

export class SocketAdapterError extends Error {
  readonly reason: Reason
  constructor(reason: Reason, message: string, cause?: unknown) {
    super(cause === undefined ? message : `${message}: ${describe(cause)}`, cause === undefined ? {} : { cause })
    this.name = "SocketAdapterError"
    this.reason = reason
  }
}

export interface AdaptOptions {
  readonly host: string
  readonly port: number
  /** Whether an input buffer is written through `input` (Tyger's `--input`); without one the sending side ends at once. */
  readonly input: boolean
  /** Receives what the program sends, in order (Tyger's `--output`); without one it is read and discarded. */
  readonly output?: ByteSink | undefined
  /** Opened when the program has exited: connecting stops. */
  readonly gone: Latch
  readonly connectTimeoutMillis?: number | undefined
  readonly firstRetryMillis?: number | undefined
  readonly maxRetryMillis?: number | undefined
}

/** Where the monitor writes the input buffer. */
export interface SocketInput extends ByteSink {
  /** Waits for the connection, then resolves once the kernel took the chunk (its memory is the caller's again). */
  readonly write: (chunk: Uint8Array) => Promise<void>
  /** Waits for the writes in flight; never ends the connection (see the header). */
  readonly close: () => Promise<void>
  /** The input ended well: half-closes the connection; resolves once the end was sent. */
  readonly end: () => Promise<void>
  /** The input failed: resets the connection; `done` rejects with an `InputCopy` failure carrying `cause`. */
  readonly abort: (cause: unknown) => void
}

export interface SocketAdapter {
  /** Present when `input` was asked for. */
  readonly input: SocketInput | undefined
  /**
   * Resolves once the output copy reached the connection's end (and the output sink closed) and the input was ended
   * (or there was none); rejects with the first SocketAdapterError. Never rejects unhandled.
   */
  readonly done: Promise<void>
  /** Stops connecting and resets the connection; `done` rejects with a `Stopped` failure unless already settled. */
  readonly stop: (cause: unknown) => void
}

const describe = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)

const connectTimedOut = (address: string) =>
  Object.assign(new Error(`connect ETIMEDOUT ${address}`), { code: "ETIMEDOUT" })

/** An RST where the runtime can send one (SO_LINGER 0), so that the peer never reads a clean end. */
const reset = (socket: Net.Socket): boolean => {
  try {
    if (typeof socket.resetAndDestroy === "function") {
      socket.resetAndDestroy()
      return true
    }
  } catch {
    // not a TCP handle (yet): fall through
  }
  return false
}

type Attempt = { readonly socket: Net.Socket } | { readonly error: unknown } | "stopped"

export const adapt = (options: AdaptOptions): SocketAdapter => {
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new RangeError(`socket port must be between 1 and 65535, got ${options.port}`)
  }
  const address = options.host.includes(":") ? `[${options.host}]:${options.port}` : `${options.host}:${options.port}`
  const timeout = options.connectTimeoutMillis ?? CONNECT_TIMEOUT_MILLIS
  const maxRetry = options.maxRetryMillis ?? MAX_RETRY_MILLIS
  const sink = options.output

  let socket: Net.Socket | undefined
  let failure: SocketAdapterError | undefined
  let settled = false
  let inputFinished = false
  let outputEnded = false
  let endSeen = false
  let ending = false
  const pendingWrites = new Set<(error: SocketAdapterError) => void>()

  let resolveDone!: () => void
  let rejectDone!: (error: SocketAdapterError) => void
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve
    rejectDone = reject
  })
  done.catch(() => undefined)
  let interrupt!: () => void
  const interrupted = new Promise<void>((resolve) => (interrupt = resolve))
  // What ends connecting early: the program exited, or the adapter failed (stop, abort).
  const stopped = Promise.race([options.gone.promise, interrupted])

  const fail = (error: SocketAdapterError): SocketAdapterError => {
    if (failure !== undefined) return failure
    if (settled) return error
    failure = error
    rejectDone(error)
    interrupt()
    for (const reject of pendingWrites) reject(error)
    pendingWrites.clear()
    const current = socket
    if (current !== undefined && !reset(current)) {
      // No reset here: closing now could read as a clean end, so the connection stays until the program is gone.
      void options.gone.promise.then(() => current.destroy())
    }
    return error
  }
  const inputFailed = (cause: unknown) =>
    new SocketAdapterError("InputCopy", "Failed to copy from input file to socket", cause)
  const outputFailed = (cause: unknown) =>
    new SocketAdapterError("OutputCopy", "Failed to copy from socket to output file", cause)
  // A connection error belongs to the input copy while the input is still being written (see the header).
  const connectionFailed = (cause: unknown) =>
    fail(options.input && !inputFinished ? inputFailed(cause) : outputFailed(cause))

  const settle = () => {
    if (failure !== undefined || settled || !inputFinished || !outputEnded) return
    settled = true
    resolveDone()
    socket?.destroy()
  }

  const attempt = (deadline: number): Promise<Attempt> =>
    new Promise<Attempt>((resolve) => {
      let finished = false
      let candidate: Net.Socket
      const finish = (result: Attempt) => {
        if (finished) return
        finished = true
        clearTimeout(timer)
        if (result === "stopped" || "error" in result) candidate?.destroy()
        resolve(result)
      }
      const timer = setTimeout(() => finish({ error: connectTimedOut(address) }), Math.max(0, deadline - Date.now()))
      try {
        candidate = Net.connect({ host: options.host, port: options.port, allowHalfOpen: true })
      } catch (error) {
        return finish({ error })
      }
      candidate.once("error", (error) => finish({ error }))
      candidate.once("connect", () => finish({ socket: candidate }))
      void stopped.then(() => finish("stopped"))
    })

  const pause = (millis: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, millis)
      void stopped.then(() => {
        clearTimeout(timer)
        resolve()
      })
    })

  const exited = `Failed to connect to address ${address}: the program exited before it accepted a connection`
  const programExited = (last: unknown) => new SocketAdapterError("ProgramExited", exited, last)

  const connect = async (): Promise<Net.Socket> => {
    const deadline = Date.now() + timeout
    let delay = options.firstRetryMillis ?? FIRST_RETRY_MILLIS
    let last: unknown
    for (;;) {
      if (failure !== undefined) throw failure
      if (options.gone.done) throw fail(programExited(last))
      const result = await attempt(deadline)
      if (result !== "stopped" && "socket" in result) {
        if (failure !== undefined) {
          reset(result.socket) || result.socket.destroy()
          throw failure
        }
        return result.socket
      }
      if (result !== "stopped") last = result.error
      if (failure !== undefined) throw failure
      if (options.gone.done) throw fail(programExited(last))
      const left = deadline - Date.now()
      if (left <= 0) {
        throw fail(
          new SocketAdapterError("ConnectTimeout", `Timeout exceeded. Failed to connect to address. (${address})`, last)
        )
      }
      await pause(Math.min(delay, left))
      delay = Math.min(delay * 2, maxRetry)
    }
  }

  /** The output copy: every chunk to the sink in order, the socket paused while the sink is busy. */
  const wire = (connected: Net.Socket) => {
    socket = connected
    let chain: Promise<void> = Promise.resolve()
    let backlog = 0
    connected.on("error", connectionFailed)
    connected.on("data", (chunk: Uint8Array) => {
      if (sink === undefined) return
      backlog++
      connected.pause()
      chain = chain.then(async () => {
        if (failure !== undefined) return
        try {
          await sink.write(chunk)
        } catch (error) {
          fail(outputFailed(error))
          return
        }
        if (--backlog === 0 && failure === undefined) connected.resume()
      })
    })
    connected.on("end", () => {
      endSeen = true
      chain = chain.then(async () => {
        if (failure !== undefined) return
        try {
          await sink?.close()
        } catch (error) {
          fail(outputFailed(error))
          return
        }
        outputEnded = true
        settle()
      })
    })
    connected.on("finish", () => {
      inputFinished = true
      settle()
    })
    connected.on("close", () => {
      if (!endSeen) connectionFailed(new Error("the connection closed before its end"))
    })
    if (!options.input) {
      ending = true
      connected.end()
    }
  }

  const connection = connect().then((connected) => {
    wire(connected)
    return connected
  })
  connection.catch(() => undefined)

  let lastWrite: Promise<void> = Promise.resolve()
  const write = async (chunk: Uint8Array): Promise<void> => {
    const connected = await connection
    if (failure !== undefined) throw failure
    if (ending) throw new Error("SocketAdapter: write after the input's end")
    if (chunk.length === 0) return
    const written = new Promise<void>((resolve, reject) => {
      // Settled by the callback, or by a failure (a runtime may drop the callbacks of a destroyed socket).
      const rejectWrite = (error: SocketAdapterError) => reject(error)
      pendingWrites.add(rejectWrite)
      connected.write(chunk, (error) => {
        pendingWrites.delete(rejectWrite)
        if (error === null || error === undefined) resolve()
        else reject(connectionFailed(error))
      })
    })
    lastWrite = written.catch(() => undefined)
    return written
  }

  const end = async (): Promise<void> => {
    const connected = await connection
    if (failure !== undefined) throw failure
    if (!ending) {
      ending = true
      await lastWrite
      if (failure === undefined) connected.end()
    }
    await Promise.race([
      done,
      new Promise<void>((resolve) => {
        if (inputFinished) resolve()
        else connected.once("finish", () => resolve())
      })
    ])
    if (failure !== undefined) throw failure
  }

  const input: SocketInput | undefined = options.input
    ? {
      write,
      close: async () => {
        await lastWrite
        if (failure !== undefined) throw failure
      },
      end,
      abort: (cause) => void fail(inputFailed(cause))
    }
    : undefined

  const stop = (cause: unknown) => void fail(new SocketAdapterError("Stopped", "The socket adapter was stopped", cause))

  return { input, done, stop }
}
