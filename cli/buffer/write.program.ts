import { Duration, Effect, Result } from "effect"
import type { Readable, Writable } from "node:stream"
import * as GoDuration from "../../model/GoDuration.ts"
import * as BufferGen from "../../engine/buffers/BufferGen.ts"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import * as BufferWriter from "../../engine/buffers/BufferWriter.ts"
import type { Flags } from "../BaseCommand.ts"
import { fatal } from "../output/Fatal.ts"
import { inputSource } from "./Streams.ts"
import { openTransfer, transfer } from "./Transfer.ts"
import type { BufferWriteCommand } from "./write.ts"

/** Tyger's `--block-size`: a `B` is appended, then base-2 units (`4M` = 4 MiB). */
const blockSizeOf = (value: string | undefined) => {
  if (value === undefined || value === "") return Effect.succeed(undefined)
  const parsed = BufferGen.parseSize(value)
  return Result.isSuccess(parsed) ? Effect.succeed(parsed.success) : fatal("Invalid block size", parsed.failure)
}

/** Tyger's `--flush-interval`: a Go duration, `0` disables; negative intervals disable it too. */
const flushIntervalOf = (value: string | undefined) => {
  if (value === undefined || value === "") return Effect.succeed(BufferWriter.DEFAULT_FLUSH_INTERVAL)
  const parsed = GoDuration.parseDuration(value)
  return Result.isSuccess(parsed)
    ? Effect.succeed(Duration.nanos(parsed.success > 0n ? parsed.success : 0n))
    : fatal("Invalid flush interval", parsed.failure)
}

/**
 * `tyger buffer write { ID | URL | FILE }`: stdin (or `-i FILE`) into an empty buffer, in Tyger's order of checks:
 * `--dop`, the target, the input file, `--block-size`, `--flush-interval`, then the data.
 */
export const write = Effect.fn("buffer.write")(function*(
  flags: Flags<BufferWriteCommand>,
  std: { readonly stdin: Readable; readonly stderr: Writable }
) {
  const { dop, container, cwd } = yield* openTransfer(flags, "write", BufferWriter.DEFAULT_DOP)
  const source = yield* inputSource(cwd, flags.input, std.stdin)
  const blockSize = yield* blockSizeOf(flags.blockSize)
  const flushInterval = yield* flushIntervalOf(flags.flushInterval)
  const buffers = yield* Buffers
  yield* transfer(
    (onProgress) =>
      buffers.write(container, source, {
        dop,
        flushInterval,
        onProgress,
        ...(blockSize === undefined ? {} : { blockSize })
      }),
    std.stderr,
    "written",
    "Failed to write buffer"
  )
}, Effect.scoped)
