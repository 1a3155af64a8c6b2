import { Cause, Option } from "effect"
import type { Writable } from "node:stream"
import { BuffersError } from "../engine/buffers/Buffers.ts"
import { TygerFileError } from "../engine/files/YamlFiles.ts"
import { PlanCompileError, render as renderProblem } from "../engine/plan/PlanCompileError.ts"
import { ProviderError } from "../engine/runs/Provider.ts"
import { RunLogArchiveError } from "../engine/runs/RunLogArchive.ts"
import { RunsError } from "../engine/runs/Runs.ts"
import { StoreError } from "../engine/store/StoreError.ts"
import { CliError, NOT_FOUND, NOT_FOUND_TEXT } from "./CliError.ts"
import { LoggedFatal } from "./output/Fatal.ts"

/**
 * Every failure the CLI reports, in Tyger's words: the engine's typed errors are told apart by their classes here,
 * and nowhere else. This module loads the classes it matches (the runs engine and yaml among them), so the places a
 * command goes through when all is well (the runtime, `tyger run …`'s error mapping, buffer transfers) import it only
 * once something has failed: start-up time stays what each command needs.
 */

/**
 * The message of anything thrown or failed with: an Error's (or error-like object's) `message`, else its text. The
 * Store's NotFound names what is missing (`run 42 was not found`); Tyger's server names nothing, and the CLI says
 * what Tyger says.
 */
export const messageOf = (error: unknown): string => {
  if (error instanceof StoreError && error.reason === "NotFound") return NOT_FOUND_TEXT
  return typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error)
}

/** A failure Tyger's CLI would have received from its server prints as `<code>: <message>`. */
export const serverText = (error: BuffersError): string =>
  error.code === undefined ? error.message : `${error.code}: ${error.message}`

/** The text Tyger logs with `error=` on an FTL line: server answers with their code, the rest as their message. */
export const logText = (error: unknown): string => (error instanceof BuffersError ? serverText(error) : messageOf(error))

/** Tyger's text for a run that ended other than Succeeded: the reason in parentheses only when there is one. */
export const runFailedText = (run: { readonly status: string; readonly statusReason?: string | undefined }): string =>
  `run failed with status ${run.status}${run.statusReason === undefined || run.statusReason === "" ? "" : ` (${run.statusReason})`}`

interface FileProblem {
  readonly path: string
  readonly message: string
}

const located = (p: FileProblem) => (p.path === "" ? p.message : `${p.path}: ${p.message}`)

/** One line per problem of a command's failure, in Tyger's words where Tyger has them. */
export const errorLines = (error: unknown): ReadonlyArray<string> => {
  if (error instanceof CliError) return error.messages
  // Already reported as Tyger's `FTL` log line.
  if (error instanceof LoggedFatal) return []
  if (error instanceof BuffersError) return [serverText(error)]
  if (error instanceof PlanCompileError) return error.problems.map(renderProblem)
  if (error instanceof TygerFileError) {
    const verb = error.reason === "Unreadable" ? "read" : "parse"
    return error.problems.map((p) => `failed to ${verb} file ${error.file}: ${located(p)}`)
  }
  return [messageOf(error)]
}

/** {@link errorLines} of how a command's program ended: its failure, an interruption, or a defect. */
export const causeLines = (cause: Cause.Cause<unknown>): ReadonlyArray<string> => {
  const failure = Cause.findErrorOption(cause)
  if (Option.isSome(failure)) return errorLines(failure.value)
  if (Cause.hasInterruptsOnly(cause)) return ["interrupted"]
  return errorLines(Cause.squash(cause))
}

/** Each line as cobra prints a command's error: `Error: <line>`. */
export const writeErrors = (stream: Writable, lines: ReadonlyArray<string>): void => {
  for (const line of lines) stream.write(`Error: ${line}\n`)
}

/**
 * The line Tyger's CLI prints for a failure of the runs engine, as its server (or its own checks) would report it.
 * Failures that stand for a 400 carry `InvalidInput: `, a missing run `NotFound: `; capability refusals of the local
 * provider have no Tyger equivalent and print as they are. Anything else: undefined.
 */
export const engineLines = (error: unknown): ReadonlyArray<string> | undefined => {
  if (error instanceof StoreError) {
    if (error.reason === "NotFound") return [NOT_FOUND]
    // Tyger's PUT /runs/{id} answers a stale If-Match with a bodiless 412.
    if (error.reason === "PreconditionFailed") return ["unexpected status code 412 Precondition Failed"]
    return [error.message]
  }
  if (error instanceof RunsError) {
    if (error.reason === "NotFound") return [error.message.includes(":") ? error.message : `NotFound: ${error.message}`]
    if (error.reason === "BufferNotFound") return [`InvalidInput: ${error.message}`]
    return [error.message]
  }
  if (error instanceof PlanCompileError) {
    return error.problems.map((p) => (p.reason === "Unsupported" ? p.message : `InvalidInput: ${p.message}`))
  }
  if (error instanceof ProviderError) {
    // Tyger's Docker mode rejects these when the run is created (400).
    const invalid = error.reason === "ImageMissing" || error.reason === "Unsupported"
    return [invalid ? `InvalidInput: ${error.message}` : error.message]
  }
  if (error instanceof BuffersError) return [serverText(error)]
  if (error instanceof RunLogArchiveError) return [error.message]
  return undefined
}

/** The runs engine's failures as CliErrors (see {@link engineLines}); the CLI's own failures pass unchanged. */
export const fromEngine = (error: unknown): unknown => {
  const lines = engineLines(error)
  return lines === undefined ? error : new CliError({ reason: "InvalidInput", messages: lines })
}
