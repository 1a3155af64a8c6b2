import { Effect, Result } from "effect"
import { BufferDataError } from "./BufferDataError.ts"
import type { ByteSink, ByteSource } from "./ByteStream.ts"
import { fromGenerator } from "./internal/ByteSource.ts"

/**
 * Tyger's `buffer gen`: byte i is `':' + (i mod 64)`, the 64-byte cycle `:;<=>?@A…xy`, and sizes are parsed as
 * Tyger parses them (alecthomas/units `ParseBase2Bytes` after appending `B`).
 */
export const CYCLE = 64
const FIRST = 0x3a

// 1 MiB of the pattern plus one extra cycle, so a copy can start at any phase with one `set` from a subarray.
const CHUNK = 1024 * 1024
const pattern = new Uint8Array(CHUNK + CYCLE).map((_, i) => FIRST + (i % CYCLE))

/** Fills `length` bytes at `offset` with the stream's bytes from absolute `position` on. */
export const fill = (buffer: Uint8Array, offset: number, length: number, position: number): void => {
  let done = 0
  while (done < length) {
    const n = Math.min(CHUNK, length - done)
    const phase = (position + done) % CYCLE
    buffer.set(pattern.subarray(phase, phase + n), offset + done)
    done += n
  }
}

/** The first `size` bytes of the stream, as a writer source. */
export const source = (size: number): ByteSource => fromGenerator(size, fill)

/**
 * Writes `size` bytes of the stream to `sink`, 1 MiB per write from one preallocated, phase-aligned chunk, then
 * closes the sink (which waits for buffered writes).
 */
export const generate = Effect.fn("BufferGen.generate")(function*(size: number, sink: ByteSink) {
  const chunk = pattern.subarray(0, CHUNK)
  yield* Effect.tryPromise({
    try: async () => {
      for (let done = 0; done < size; done += CHUNK) {
        await sink.write(chunk.subarray(0, Math.min(CHUNK, size - done)))
      }
      await sink.close()
    },
    catch: (cause) =>
      new BufferDataError({
        reason: "OutputFailed",
        message: `error writing to output: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause
      })
  })
})

const KIB = 1024
const prefixes = ["K", "M", "G", "T", "P", "E"]
/** ParseBase2Bytes tries `KiB, MiB, …` and then `KB, MB, …` (both 1024-based); lowercase `k` is not accepted. */
const unitTables: ReadonlyArray<Readonly<Record<string, number>>> = ["iB", "B"].map((suffix) =>
  Object.fromEntries([["B", 1], ...prefixes.map((prefix, i) => [prefix + suffix, KIB ** (i + 1)])])
)

/**
 * `10MB`, `1G`, `1.5KiB`, `1GB512MB`, `100`: a `B` is appended when the text does not end with one, then each
 * number-unit pair is summed (the total truncated to whole bytes). Errors carry the units library's texts.
 */
export const parseSize = (text: string): Result.Result<number, string> => {
  const withUnit = text !== "" && !text.endsWith("B") ? `${text}B` : text
  const [iec, old] = unitTables.map((table) => parseUnit(withUnit, table))
  return Result.isSuccess(iec!) ? iec! : old!
}

// alecthomas/units ParseUnit: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+
const parseUnit = (original: string, table: Readonly<Record<string, number>>): Result.Result<number, string> => {
  const invalid = Result.fail(`units: invalid ${original}`)
  let rest = original
  let negative = false
  if (rest.startsWith("-") || rest.startsWith("+")) {
    negative = rest.startsWith("-")
    rest = rest.slice(1)
  }
  if (rest === "0") return Result.succeed(0)
  if (rest === "") return invalid
  let total = 0
  while (rest !== "") {
    const [number = "", whole = "", fraction] = /^(\d*)(?:\.(\d*))?/.exec(rest) ?? []
    if (whole === "" && (fraction === undefined || fraction === "")) return invalid
    rest = rest.slice(number.length)
    const unit = /^[^\d.]*/.exec(rest)?.[0] ?? ""
    rest = rest.slice(unit.length)
    const multiplier = table[unit]
    if (multiplier === undefined) return Result.fail(`units: unknown unit ${unit} in ${original}`)
    total += (Number(whole === "" ? "0" : whole) + (fraction ? Number(`0.${fraction}`) : 0)) * multiplier
  }
  if (total >= 2 ** 63) return Result.fail("units: overflow parsing unit")
  return Result.succeed(Math.trunc(negative ? -total : total))
}
