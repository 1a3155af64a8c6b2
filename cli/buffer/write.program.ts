import { Duration, Effect, Result } from "effect"
import type { Readable, Writable } from "node:stream"
import * as GoDuration from "../../model/GoDuration.ts"
import * as BufferGen from "../../engine/buffers/BufferGen.ts"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import * as BufferWriter from "../../engine/buffers/BufferWriter.ts"
import { CliIo } from "../CliIo.ts"
import { fatal } from "../output/Fatal.ts"
import { exactlyOne, sweep } from "./BufferFlags.ts"
import { openFile, sourceOf } from "./Streams.ts"
import { checkDop, dopFlag, openTarget, transfer } from "./Transfer.ts"

export interface WriteInput {
  readonly positionals: ReadonlyArray<string>
  readonly input: string | undefined
  readonly dop: string | undefined
  readonly blockSize: string | undefined
  readonly flushInterval: string | undefined
  readonly accessTtl: string | undefined
  readonly stdin: Readable
  readonly stderr: Writable
}

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
export const write = Effect.fn("buffer.write")(function*(input: WriteInput) {
  const dop = yield* dopFlag(input.dop, BufferWriter.DEFAULT_DOP)
  const argument = yield* exactlyOne(input.positionals)
  yield* checkDop(dop)
  yield* sweep
  const io = yield* CliIo
  const container = yield* openTarget(argument, "write", input.accessTtl, io.cwd)
  const source = input.input === undefined || input.input === ""
    ? yield* sourceOf(input.stdin)
    : BufferWriter.fromFd((yield* openFile(io.cwd, input.input, "read").pipe(
      Effect.catch((error) => fatal("Unable to open input file for reading", error))
    )).fd)
  const blockSize = yield* blockSizeOf(input.blockSize)
  const flushInterval = yield* flushIntervalOf(input.flushInterval)
  const buffers = yield* Buffers
  yield* transfer(
    (onProgress) =>
      buffers.write(container, source, {
        dop,
        flushInterval,
        onProgress,
        ...(blockSize === undefined ? {} : { blockSize })
      }),
    input.stderr,
    "written",
    "Failed to write buffer"
  )
}, Effect.scoped)
