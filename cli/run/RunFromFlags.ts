import { Effect, Result } from "effect"
import * as GoDuration from "../../model/GoDuration.ts"
import type * as Run from "../../dsl/Run.ts"
import * as TimeSpan from "../../model/TimeSpan.ts"
import * as FileDocuments from "../../engine/files/FileDocuments.ts"
import * as YamlFiles from "../../engine/files/YamlFiles.ts"
import { CliError, invalidArguments } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import * as Path from "node:path"
import type { Flags } from "../BaseCommand.ts"
import type { RunCreateFlags } from "./CreateFlags.ts"
import { intFlag, mapFlag } from "./RunArgs.ts"

/** The flags `run create` and `run exec` share, as given (clipanion keeps them as text; pflag's rules apply here). */
type Input = Flags<RunCreateFlags>

export const NO_JOB_CODESPEC = "a codespec for the job must be specified"

type Document = Record<string, unknown>

const isRecord = (u: unknown): u is Document => typeof u === "object" && u !== null && !Array.isArray(u)

/** Given and not empty: when one of Tyger's text flags overrides the file. */
const given = (value: string | undefined): value is string => value !== undefined && value !== ""

const reference = (codespec: string, version: string | undefined) =>
  given(version) ? `${codespec}/versions/${version}` : codespec

/** The flag values pflag parses before the command runs; its errors come first, as cobra reports them. */
const parseFlags = Effect.fnUntraced(function*(input: Input) {
  return {
    replicas: input.replicas === undefined ? undefined : yield* intFlag("replicas", "r", input.replicas, 1),
    workerReplicas: input.workerReplicas === undefined ? undefined : yield* intFlag("worker-replicas", undefined, input.workerReplicas, 1),
    buffers: yield* mapFlag("buffer", "b", input.buffers),
    bufferTags: yield* mapFlag("buffer-tag", undefined, input.bufferTags),
    tags: yield* mapFlag("tag", undefined, input.tags)
  }
})

/** A map flag merged key by key over the file's map of the same name. */
const merge = (target: Document, key: string, flags: { readonly [key: string]: string }) => {
  if (Object.keys(flags).length > 0) target[key] = { ...(isRecord(target[key]) ? target[key] : {}), ...flags }
}

/** A TimeSpan flag, sent as the server reads it (a .NET TimeSpan), which is what the run shows. */
const timeSpan = (value: string, parse: (text: string) => Result.Result<TimeSpan.TimeSpan, string>) => {
  const parsed = parse(value)
  return Result.isFailure(parsed)
    ? Effect.fail(invalidArguments(parsed.failure))
    : Effect.succeed(TimeSpan.formatDotNet(parsed.success))
}

/**
 * Tyger's `newRunCreateCommandCore`: the file's run, then each given flag over it (maps merged key by key, a worker
 * target created as soon as any `--worker-*` flag is given), then the checks Tyger's CLI makes itself.
 */
const applyFlags = Effect.fnUntraced(function*(
  document: Document,
  input: Input,
  flags: Effect.Success<ReturnType<typeof parseFlags>>
) {
  const job: Document = isRecord(document["job"]) ? { ...document["job"] } : {}
  document["job"] = job
  if (given(input.codespec)) job["codespec"] = reference(input.codespec, input.version)
  merge(job, "buffers", flags.buffers)
  merge(job, "tags", flags.bufferTags)
  if (given(input.bufferTtl)) job["bufferTtl"] = yield* timeSpan(input.bufferTtl, TimeSpan.parseBufferTtl)
  if (given(input.nodePool)) job["nodePool"] = input.nodePool
  if (flags.replicas !== undefined) job["replicas"] = flags.replicas

  const workerFlagGiven = [input.workerCodespec, input.workerVersion, input.workerReplicas, input.workerNodePool]
    .some((v) => v !== undefined)
  if (workerFlagGiven || isRecord(document["worker"])) {
    const worker: Document = isRecord(document["worker"]) ? { ...document["worker"] } : {}
    document["worker"] = worker
    if (given(input.workerCodespec)) worker["codespec"] = reference(input.workerCodespec, input.workerVersion)
    if (given(input.workerNodePool)) worker["nodePool"] = input.workerNodePool
    if (flags.workerReplicas !== undefined) worker["replicas"] = flags.workerReplicas
  }

  if (given(input.cluster)) document["cluster"] = input.cluster
  if (given(input.timeout)) {
    const duration = GoDuration.parseDuration(input.timeout)
    if (Result.isFailure(duration)) return yield* invalidArguments(duration.failure)
    document["timeoutSeconds"] = GoDuration.toWholeSeconds(duration.success)
  }
  merge(document, "tags", flags.tags)
  if (given(input.bufferAccessTtl)) {
    document["bufferAccessTtl"] = yield* timeSpan(input.bufferAccessTtl, TimeSpan.parseTimeToLive)
  }
  return document
})

const hasJobCodespec = (document: Document): boolean => {
  const job = document["job"]
  return isRecord(job) && job["codespec"] !== undefined && job["codespec"] !== null && job["codespec"] !== ""
}

/**
 * The run `run create|exec` would send. Problems in the file are reported as Tyger's `failed to parse file X: ...`,
 * with the line where the file alone can locate them.
 */
export const runOf = Effect.fn("run.spec")(function*(input: Input) {
  const flags = yield* parseFlags(input)
  const io = yield* CliIo
  const file = given(input.file) ? input.file : undefined
  const path = file === undefined ? undefined : Path.resolve(io.cwd, file)
  // Read relative to the command's directory, reported as the user wrote it.
  const relabel = (error: YamlFiles.TygerFileError) =>
    new YamlFiles.TygerFileError({
      reason: error.reason,
      file: file!,
      problems: error.problems.map((p) => ({ path: p.path, message: p.message.replaceAll(path!, file!) }))
    })
  const loaded = path === undefined ? {} : yield* YamlFiles.loadDocument(path).pipe(Effect.mapError(relabel))
  const document = yield* applyFlags(isRecord(loaded) ? { ...loaded } : {}, input, flags)
  if (isRecord(loaded) && !hasJobCodespec(document)) return yield* invalidArguments(NO_JOB_CODESPEC)
  const decoded = FileDocuments.decodeRun(isRecord(loaded) ? document : loaded)
  if (decoded.value !== undefined && decoded.problems.length === 0) return decoded.value as Run.Any
  // Not the file's fault for Tyger's CLI, which sends it: its server answers 400, printed `Error: InvalidInput: …`.
  if (decoded.problems.includes(FileDocuments.systemRunProblem)) {
    return yield* new CliError({ reason: "InvalidInput", messages: [`InvalidInput: ${FileDocuments.systemRunProblem.message}`] })
  }
  if (path === undefined || file === undefined) {
    return yield* invalidArguments(decoded.problems.map((p) => (p.path === "" ? p.message : `${p.path}: ${p.message}`)).join("; "))
  }
  // The file alone locates its problems by line; flags never add problems of their own.
  const located = yield* Effect.flip(YamlFiles.loadRunFile(path)).pipe(Effect.option)
  const problems = located._tag === "Some" && located.value.problems.every((p) => !p.message.includes(NO_JOB_CODESPEC))
    ? located.value.problems
    : decoded.problems
  return yield* new YamlFiles.TygerFileError({ reason: "Invalid", file, problems })
})
