// Docker's log stream for a container without a TTY: frames of an 8-byte header (stream type, 3 zero bytes, payload
// length as a big-endian uint32) and a payload. Each payload is one log message: with timestamps, prefixed by the
// RFC 3339 nano timestamp and a space. The json-file and local log drivers cut lines longer than 16 KiB into
// several messages; every piece but the last lacks the trailing newline and repeats the timestamp, so the pieces are
// re-joined here into the line the program wrote.
//
// Bytes are kept until a line is complete and only then decoded, so a UTF-8 character cut by a split is intact.

export type LogStream = "stdout" | "stderr"

export interface LogLine {
  readonly stream: LogStream
  /** The line without its newline. */
  readonly line: string
  /** RFC 3339 with nanoseconds, always 9 fraction digits (`2024-01-02T03:04:05.123456789Z`) as Docker writes it,
   * so UTC timestamps sort as strings. Absent when the logs were read without timestamps. */
  readonly timestamp?: string
  /**
   * The stream ended before the line's newline: the program's last words without one, or, while the container runs,
   * a line it is still writing (whose rest a later read brings with the whole line).
   */
  readonly partial?: true
}

export interface Demuxed {
  readonly lines: ReadonlyArray<LogLine>
  /** The engine reported an error inside the stream (stream type 3), e.g. the log file could not be read. */
  readonly error?: string
}

const headerSize = 8
const newline = 0x0a
const space = 0x20

interface Pending {
  timestamp: string | undefined
  readonly parts: Array<Uint8Array>
}

const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  if (parts.length === 1) return parts[0]!
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

export interface Demuxer {
  /** Feeds the next chunk of the HTTP body (frames may be cut anywhere). */
  readonly push: (chunk: Uint8Array) => Demuxed
  /** The body ended: a line still waiting for its newline is complete now. */
  readonly end: () => Demuxed
}

export const makeDemuxer = (options: { readonly timestamps: boolean }): Demuxer => {
  const decoder = new TextDecoder("utf-8")
  const pending: Record<LogStream, Pending | undefined> = { stdout: undefined, stderr: undefined }
  let buffer = new Uint8Array(0)

  const finish = (stream: LogStream, out: Array<LogLine>, partial = false): void => {
    const entry = pending[stream]
    if (entry === undefined) return
    pending[stream] = undefined
    const line = decoder.decode(concat(entry.parts))
    out.push({
      stream,
      line,
      ...(entry.timestamp === undefined ? {} : { timestamp: entry.timestamp }),
      ...(partial ? { partial: true as const } : {})
    })
  }

  const message = (stream: LogStream, payload: Uint8Array, out: Array<LogLine>): void => {
    let timestamp: string | undefined
    let body = payload
    if (options.timestamps) {
      const cut = payload.indexOf(space)
      if (cut > 0) {
        timestamp = decoder.decode(payload.subarray(0, cut))
        body = payload.subarray(cut + 1)
      }
    }
    let start = 0
    while (start < body.length) {
      // A continuation piece keeps the timestamp of the line's first piece.
      const entry = pending[stream] ??= { timestamp, parts: [] }
      const end = body.indexOf(newline, start)
      if (end < 0) {
        entry.parts.push(body.slice(start))
        return
      }
      entry.parts.push(body.slice(start, end))
      finish(stream, out)
      start = end + 1
    }
  }

  const push = (chunk: Uint8Array): Demuxed => {
    const lines: Array<LogLine> = []
    const data = buffer.length === 0 ? chunk : concat([buffer, chunk])
    let offset = 0
    while (data.length - offset >= headerSize) {
      const type = data[offset]!
      if (type > 3 || data[offset + 1] !== 0 || data[offset + 2] !== 0 || data[offset + 3] !== 0) {
        buffer = new Uint8Array(0)
        return { lines, error: "the log stream is not multiplexed (was the container created with a TTY?)" }
      }
      const size = ((data[offset + 4]! << 24) >>> 0) + (data[offset + 5]! << 16) + (data[offset + 6]! << 8) +
        data[offset + 7]!
      if (data.length - offset - headerSize < size) break
      const payload = data.subarray(offset + headerSize, offset + headerSize + size)
      offset += headerSize + size
      if (type === 1) message("stdout", payload, lines)
      else if (type === 2) message("stderr", payload, lines)
      else if (type === 3) {
        buffer = new Uint8Array(0)
        return { lines, error: decoder.decode(payload).trim() }
      }
      // type 0 (stdin) never carries logs
    }
    // Copy the unfinished frame: `data` may be the runtime's chunk buffer, reused after this call.
    buffer = data.slice(offset)
    return { lines }
  }

  const end = (): Demuxed => {
    const lines: Array<LogLine> = []
    finish("stdout", lines, true)
    finish("stderr", lines, true)
    return buffer.length === 0 ? { lines } : { lines, error: `the log stream ended inside a frame (${buffer.length} bytes left)` }
  }

  return { push, end }
}
