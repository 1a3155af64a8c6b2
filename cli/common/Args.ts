import { Effect, Result } from "effect"
import { invalidArguments } from "../CliError.ts"
import * as Pflag from "../Pflag.ts"

/** Positional arguments and flag values as Tyger's commands (cobra, pflag) check them, with their messages. */

/** A Go slice as `%v` prints it. */
export const goList = (values: ReadonlyArray<string>) => `[${values.join(" ")}]`

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
export const mapFlag = (long: string, short: string | undefined, occurrences: ReadonlyArray<string> | undefined) => {
  const parsed = Pflag.stringToString(Pflag.flagLabel(long, short), occurrences ?? [])
  return Result.isSuccess(parsed) ? Effect.succeed(parsed.success) : Effect.fail(invalidArguments(parsed.failure))
}

/** A pflag `Int` flag given as text, or its default. */
export const intFlag = (long: string, short: string | undefined, value: string | undefined, fallback: number) => {
  if (value === undefined) return Effect.succeed(fallback)
  const parsed = Pflag.int(Pflag.flagLabel(long, short), value)
  return Result.isSuccess(parsed) ? Effect.succeed(parsed.success) : Effect.fail(invalidArguments(parsed.failure))
}
