import { Effect, Result } from "effect"
import type { Writable } from "node:stream"
import * as BufferGen from "../../engine/buffers/BufferGen.ts"
import * as BufferReader from "../../engine/buffers/BufferReader.ts"
import { CliIo } from "../CliIo.ts"
import { invalidArguments } from "../CliError.ts"
import { fatal, LoggedFatal } from "../output/Fatal.ts"
import { exactlyOne } from "./BufferFlags.ts"
import { isBrokenPipe, openFile, sinkOf } from "./Streams.ts"

export interface GenInput {
  readonly positionals: ReadonlyArray<string>
  readonly output: string | undefined
  readonly stdout: Writable
}

/** `tyger buffer gen SIZE [-o FILE]`: SIZE bytes of Tyger's deterministic pattern. */
export const gen = Effect.fn("buffer.gen")(function*(input: GenInput) {
  const sizeText = yield* exactlyOne(input.positionals)
  const io = yield* CliIo
  // As in Tyger, the output file is opened before SIZE is read.
  const sink = input.output === undefined || input.output === ""
    ? sinkOf(input.stdout)
    : BufferReader.toFd((yield* openFile(io.cwd, input.output, "write").pipe(
      Effect.catch((error) => fatal("Unable to open output file for writing", error))
    )).fd)
  const size = BufferGen.parseSize(sizeText)
  if (Result.isFailure(size)) return yield* invalidArguments(size.failure)
  yield* BufferGen.generate(size.success, sink).pipe(
    // A closed pipe (`gen | head`) ends a Go program silently by SIGPIPE; here it ends the command quietly.
    Effect.catchIf(isBrokenPipe, () => Effect.fail(new LoggedFatal({ message: "broken pipe" })))
  )
}, Effect.scoped)
