import { Duration, Effect, Result } from "effect"
import * as TimeSpan from "../../../dsl/TimeSpan.ts"
import { Buffers } from "../../../engine/Buffers.ts"
import { invalidArguments } from "../../CliError.ts"
import * as Pflag from "../../pflag.ts"

/** Shared argument handling of the `tyger buffer …` programs, with cobra's and Tyger's messages. */

const goList = (values: ReadonlyArray<string>) => `[${values.join(" ")}]`

/** Tyger's `exactlyOneArg(name)`. */
export const exactlyOneArg = (name: string, positionals: ReadonlyArray<string>) => {
  const [first, ...extra] = positionals
  if (first === undefined) return Effect.fail(invalidArguments(`one ${name} positional argument is required`))
  if (extra.length > 0) {
    return Effect.fail(invalidArguments(`unexpected positional arguments after the ${name}: ${goList(extra)}`))
  }
  return Effect.succeed(first)
}

/** cobra's `ExactArgs(1)`. */
export const exactlyOne = (positionals: ReadonlyArray<string>) => {
  const [first] = positionals
  return first !== undefined && positionals.length === 1
    ? Effect.succeed(first)
    : Effect.fail(invalidArguments(`accepts 1 arg(s), received ${positionals.length}`))
}

/** A pflag `StringToString` flag such as `--tag`; absent flags give an empty map. */
export const tagsFlag = (long: string, occurrences: ReadonlyArray<string> | undefined) => {
  const parsed = Pflag.stringToString(Pflag.flagLabel(long), occurrences ?? [])
  return parsed.ok ? Effect.succeed(parsed.value) : Effect.fail(invalidArguments(parsed.error))
}

/** A pflag `Int` flag given as text, or its default. */
export const intFlag = (long: string, short: string | undefined, value: string | undefined, fallback: number) => {
  if (value === undefined) return Effect.succeed(fallback)
  const parsed = Pflag.int(Pflag.flagLabel(long, short), value)
  return parsed.ok ? Effect.succeed(parsed.value) : Effect.fail(invalidArguments(parsed.error))
}

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
