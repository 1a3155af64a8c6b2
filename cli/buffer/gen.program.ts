import { Effect, Result } from "effect"
import type { Writable } from "node:stream"
import * as BufferGen from "../../engine/buffers/BufferGen.ts"
import type { Flags } from "../BaseCommand.ts"
import { CliIo } from "../CliIo.ts"
import { invalidArguments } from "../CliError.ts"
import { LoggedFatal } from "../output/Fatal.ts"
import { exactlyOne } from "./BufferFlags.ts"
import type { BufferGenCommand } from "./gen.ts"
import { isBrokenPipe, outputSink } from "./Streams.ts"

/** `tyger buffer gen SIZE [-o FILE]`: SIZE bytes of Tyger's deterministic pattern. */
export const gen = Effect.fn("buffer.gen")(function*(
  flags: Flags<BufferGenCommand>,
  std: { readonly stdout: Writable }
) {
  const sizeText = yield* exactlyOne(flags.positionals)
  const io = yield* CliIo
  // As in Tyger, the output file is opened before SIZE is read.
  const sink = yield* outputSink(io.cwd, flags.output, std.stdout, "stream")
  const size = BufferGen.parseSize(sizeText)
  if (Result.isFailure(size)) return yield* invalidArguments(size.failure)
  yield* BufferGen.generate(size.success, sink).pipe(
    // A closed pipe (`gen | head`) ends a Go program silently by SIGPIPE; here it ends the command quietly.
    Effect.catchIf(isBrokenPipe, () => Effect.fail(new LoggedFatal({ message: "broken pipe" })))
  )
}, Effect.scoped)
