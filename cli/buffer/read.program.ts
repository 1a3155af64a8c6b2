import { Effect } from "effect"
import type { Writable } from "node:stream"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import * as BufferReader from "../../engine/buffers/BufferReader.ts"
import type { Flags } from "../BaseCommand.ts"
import type { BufferReadCommand } from "./read.ts"
import { outputSink } from "./Streams.ts"
import { openTransfer, transfer } from "./Transfer.ts"

/**
 * `tyger buffer read { ID | URL | FILE }`: the buffer's data to stdout (or `-o FILE`), streamed while it is being
 * written; a failed, damaged or missing buffer ends with Tyger's `Failed to read buffer`.
 */
export const read = Effect.fn("buffer.read")(function*(
  flags: Flags<BufferReadCommand>,
  std: { readonly stdout: Writable; readonly stderr: Writable }
) {
  const { dop, container, cwd } = yield* openTransfer(flags, "read", BufferReader.DEFAULT_DOP)
  const sink = yield* outputSink(cwd, flags.output, std.stdout, "descriptor")
  const buffers = yield* Buffers
  yield* transfer(
    (onProgress) => buffers.read(container, sink, { dop, onProgress }),
    std.stderr,
    "read",
    "Failed to read buffer"
  )
}, Effect.scoped)
