import { Duration, Effect, Result } from "effect"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import { CliIo } from "../CliIo.ts"
import { fatal } from "../output/Fatal.ts"
import type { Flags } from "../BaseCommand.ts"
import type { BufferAccessCommand } from "./access.ts"
import { exactlyOneArg, parseTtl, sweep } from "./BufferFlags.ts"

/** `--access-ttl` (hidden): Tyger logs a fatal error for a malformed value. Seconds, or undefined for the default. */
export const accessTtlSeconds = (value: string | undefined) => {
  if (value === undefined || value === "") return Effect.succeed(undefined)
  const parsed = parseTtl(value)
  return Result.isSuccess(parsed)
    ? Effect.succeed(Duration.toSeconds(parsed.success))
    : fatal("Invalid access TTL format", parsed.failure)
}

/** `tyger buffer access ID [-w] [--access-ttl D.HH:MM:SS]`: prints a URL granting read (or write) access. */
export const access = Effect.fn("buffer.access")(function*(flags: Flags<BufferAccessCommand>) {
  const id = yield* exactlyOneArg("buffer ID", flags.positionals)
  const ttl = yield* accessTtlSeconds(flags.accessTtl)
  yield* sweep
  const buffers = yield* Buffers
  const url = yield* buffers.access(id, flags.write, ttl)
  const io = yield* CliIo
  yield* io.out(`${url}\n`)
})
