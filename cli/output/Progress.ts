import type { Writable } from "node:stream"

/**
 * A transfer meter for a terminal: total bytes and the current rate on one line of stderr, redrawn at most four times
 * a second. Tyger logs `Transfer progress` lines instead; on a terminal one live line says the same without
 * scrolling, and when stderr is not a terminal nothing is written at all.
 */
export interface Meter {
  readonly update: (bytes: number) => void
  /** Leaves a summary line after a transfer that completed; erases the meter otherwise. */
  readonly finish: (completed: boolean) => void
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]

/** go-humanize's `IBytes`: `512 B`, `1.5 MiB`, `30 MiB` (one decimal below 10). */
export const formatBytes = (bytes: number): string => {
  if (bytes < 1024) return `${bytes} B`
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ${UNITS[unit]}`
}

const REDRAW_MILLIS = 250
const ERASE = "\r\u001b[2K"

const noMeter: Meter = { update: () => undefined, finish: () => undefined }

/** Whether a standard stream is a terminal. */
export const isTerminal = (stream: object): boolean => (stream as { readonly isTTY?: boolean }).isTTY === true

export const make = (
  stream: Writable,
  verb: string,
  now: () => number = () => performance.now()
): Meter => {
  if (!isTerminal(stream)) return noMeter
  const start = now()
  let last = { at: start, bytes: 0 }
  let total = 0
  let drawn = false
  const update = (bytes: number) => {
    total = bytes
    const at = now()
    if (at - last.at < REDRAW_MILLIS) return
    const rate = ((bytes - last.bytes) * 1000) / (at - last.at)
    last = { at, bytes }
    stream.write(`${ERASE}${formatBytes(bytes)} ${verb} (${formatBytes(Math.round(rate))}/s)`)
    drawn = true
  }
  const finish = (completed: boolean) => {
    if (completed) {
      const seconds = Math.max(now() - start, 1) / 1000
      const rate = formatBytes(Math.round(total / seconds))
      stream.write(`${ERASE}${formatBytes(total)} ${verb} in ${seconds.toFixed(1)}s (${rate}/s)\n`)
    } else if (drawn) {
      stream.write(ERASE)
    }
  }
  return { update, finish }
}
