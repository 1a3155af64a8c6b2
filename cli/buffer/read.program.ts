import { Effect } from "effect"
import type { Writable } from "node:stream"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import * as BufferReader from "../../engine/buffers/BufferReader.ts"
import { CliIo } from "../CliIo.ts"
import { fatal } from "../output/Fatal.ts"
import { exactlyOne, sweep } from "./BufferFlags.ts"
import { openFile, sinkOf } from "./Streams.ts"
import { checkDop, dopFlag, openTarget, transfer } from "./Transfer.ts"

export interface ReadInput {
  readonly positionals: ReadonlyArray<string>
  readonly output: string | undefined
  readonly dop: string | undefined
  readonly accessTtl: string | undefined
  readonly stdout: Writable
  readonly stderr: Writable
}

/**
 * `tyger buffer read { ID | URL | FILE }`: the buffer's data to stdout (or `-o FILE`), streamed while it is being
 * written; a failed, damaged or missing buffer ends with Tyger's `Failed to read buffer`.
 */
export const read = Effect.fn("buffer.read")(function*(input: ReadInput) {
  const dop = yield* dopFlag(input.dop, BufferReader.DEFAULT_DOP)
  const argument = yield* exactlyOne(input.positionals)
  yield* checkDop(dop)
  yield* sweep
  const io = yield* CliIo
  const container = yield* openTarget(argument, "read", input.accessTtl, io.cwd)
  const sink = input.output === undefined || input.output === ""
    ? sinkOf(input.stdout)
    : BufferReader.toFd((yield* openFile(io.cwd, input.output, "write").pipe(
      Effect.catch((error) => fatal("Unable to open output file for writing", error))
    )).fd)
  const buffers = yield* Buffers
  yield* transfer(
    (onProgress) => buffers.read(container, sink, { dop, onProgress }),
    input.stderr,
    "read",
    "Failed to read buffer"
  )
}, Effect.scoped)
