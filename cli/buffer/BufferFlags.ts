import { Duration, Effect, Result } from "effect"
import * as TimeSpan from "../../model/TimeSpan.ts"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import { invalidArguments } from "../CliError.ts"
import { mapFlag } from "../common/Args.ts"

/** Shared argument handling of the `tyger buffer …` programs, with cobra's and Tyger's messages. */

export { exactlyOne, exactlyOneArg, intFlag } from "../common/Args.ts"

/** A `StringToString` flag without a short form (`--tag`, `--exclude-tag`). */
export const tagsFlag = (long: string, occurrences: ReadonlyArray<string> | undefined) => mapFlag(long, undefined, occurrences)

/** Tyger's `ParseTimeToLive` (`--ttl`, `--access-ttl`): the failure is the parser's message. */
export const parseTtl = (value: string): Result.Result<Duration.Duration, string> =>
  Result.map(TimeSpan.parseTimeToLive(value), TimeSpan.toDuration)

/** `--ttl` of `buffer create|set`: an error returned from the command (`Error: invalid TTL format: 'x'`). */
export const ttlFlag = (value: string | undefined) => {
  if (value === undefined || value === "") return Effect.succeed(undefined)
  const parsed = parseTtl(value)
  return Result.isSuccess(parsed) ? Effect.succeed(parsed.success) : Effect.fail(invalidArguments(parsed.failure))
}

/**
 * Tyger's server deletes expired buffers every 30 s; without a server, each buffer command first does one bounded
 * step of that work. It never fails the command: what cannot be done now is done by a later one.
 */
export const sweep = Effect.gen(function*() {
  const buffers = yield* Buffers
  yield* buffers.sweep().pipe(
    Effect.catch((error) => Effect.logDebug(`buffer sweep skipped: ${error.message}`))
  )
})
