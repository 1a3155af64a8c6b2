import { Effect } from "effect"
import { type CliError, invalidArguments, notFound } from "../CliError.ts"
import { exactlyOneArg } from "../common/Args.ts"
import * as Since from "./Since.ts"

/** What the `tyger run …` programs share: ids, flags, and the engine's failures in the words Tyger's CLI prints. */

export { exactlyOneArg, intFlag, mapFlag } from "../common/Args.ts"

/**
 * A run id in a URL path: Tyger's server answers 404 for anything that is not one, so a non-numeric id is as unknown
 * as a missing run.
 */
export const runIdOf = (text: string): number | undefined =>
  /^[0-9]{1,15}$/.test(text) ? Number(text) : undefined

/** Tyger's `exactlyOneArg(name)` for a run id, then {@link runIdOf}: an id that cannot be one is `missing`. */
export const runIdArg = (name: string, positionals: ReadonlyArray<string>, missing: () => CliError = notFound) =>
  Effect.flatMap(exactlyOneArg(name, positionals), (text) => {
    const id = runIdOf(text)
    return id === undefined ? Effect.fail(missing()) : Effect.succeed(id)
  })

/** `-s, --since`, as epoch nanoseconds. */
export const sinceFlag = (value: string | undefined) => {
  if (value === undefined || value === "") return Effect.succeed(undefined)
  const parsed = Since.parse(value)
  return parsed === undefined ? Effect.fail(invalidArguments(Since.failedToParse(value))) : Effect.succeed(parsed)
}

/**
 * The runs engine's failures as CliErrors, in the words Tyger's CLI prints (see Errors.engineLines); the CLI's own
 * failures pass unchanged. The renderer is loaded only once something has failed.
 */
export const tygerErrors = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, unknown, R> =>
  Effect.catch(effect, (error) =>
    Effect.flatMap(Effect.promise(() => import("../Errors.ts")), (Errors) => Effect.fail(Errors.fromEngine(error))))

/** Tyger's `run logs` of an unknown run: the server's 404 has no body. */
export const LOGS_NOT_FOUND = "unexpected status code 404 Not Found"
