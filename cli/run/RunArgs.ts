import { Effect } from "effect"
import { CliError, invalidArguments } from "../CliError.ts"
import * as Since from "./Since.ts"

/** What the `tyger run …` programs share: ids, flags, and the engine's failures in the words Tyger's CLI prints. */

export { exactlyOneArg, intFlag, mapFlag } from "../common/Args.ts"

export const NOT_FOUND = "NotFound: The resource was not found"

/**
 * A run id in a URL path: Tyger's server answers 404 for anything that is not one, so a non-numeric id is as unknown
 * as a missing run.
 */
export const runIdOf = (text: string): number | undefined =>
  /^[0-9]{1,15}$/.test(text) ? Number(text) : undefined

/** `-s, --since`, as epoch nanoseconds. */
export const sinceFlag = (value: string | undefined) => {
  if (value === undefined || value === "") return Effect.succeed(undefined)
  const parsed = Since.parse(value)
  return parsed === undefined ? Effect.fail(invalidArguments(Since.failedToParse(value))) : Effect.succeed(parsed)
}

const tagOf = (u: unknown): string | undefined =>
  typeof u === "object" && u !== null && "_tag" in u && typeof u._tag === "string" ? u._tag : undefined

const field = (u: unknown, name: string): string | undefined => {
  const value = (u as Record<string, unknown>)[name]
  return typeof value === "string" ? value : undefined
}

const messageOf = (u: unknown): string =>
  typeof u === "object" && u !== null && "message" in u ? String(u.message) : String(u)

/**
 * The line Tyger's CLI prints for a failure its server (or its own checks) would report. Failures of the engine that
 * stand for a 400 carry `InvalidInput: `, a missing run `NotFound: `; capability refusals of the local provider have
 * no Tyger equivalent and print as they are.
 */
export const linesOf = (error: unknown): ReadonlyArray<string> | undefined => {
  switch (tagOf(error)) {
    case "StoreError": {
      const reason = field(error, "reason")
      if (reason === "NotFound") return [NOT_FOUND]
      // Tyger's PUT /runs/{id} answers a stale If-Match with a bodiless 412.
      if (reason === "PreconditionFailed") return ["unexpected status code 412 Precondition Failed"]
      return [messageOf(error)]
    }
    case "RunsError": {
      const reason = field(error, "reason")
      const message = messageOf(error)
      if (reason === "NotFound") return [message.includes(":") ? message : `NotFound: ${message}`]
      if (reason === "BufferNotFound") return [`InvalidInput: ${message}`]
      return [message]
    }
    case "PlanCompileError": {
      const problems = (error as { readonly problems: ReadonlyArray<{ readonly reason: string; readonly message: string }> })
        .problems
      return problems.map((p) => (p.reason === "Unsupported" ? p.message : `InvalidInput: ${p.message}`))
    }
    case "ProviderError": {
      const reason = field(error, "reason")
      // Tyger's Docker mode rejects these when the run is created (400).
      return [reason === "ImageMissing" || reason === "Unsupported" ? `InvalidInput: ${messageOf(error)}` : messageOf(error)]
    }
    case "BuffersError": {
      const code = (error as { readonly code?: unknown }).code
      return [typeof code === "string" ? `${code}: ${messageOf(error)}` : messageOf(error)]
    }
    case "RunLogArchiveError":
      return [messageOf(error)]
  }
  return undefined
}

/** The engine's failures as CliErrors (see {@link linesOf}); the CLI's own failures pass unchanged. */
export const fromEngine = (error: unknown): unknown => {
  const lines = linesOf(error)
  return lines === undefined ? error : new CliError({ reason: "InvalidInput", messages: lines })
}

/** {@link fromEngine} over an effect's failures. */
export const tygerErrors = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, unknown, R> =>
  Effect.mapError(effect, fromEngine)

/** Tyger's `run logs` of an unknown run: the server's 404 has no body. */
export const LOGS_NOT_FOUND = "unexpected status code 404 Not Found"
