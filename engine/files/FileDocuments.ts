import { Exit } from "effect"
import * as Codespec from "../../dsl/Codespec.ts"
import * as CodespecDocument from "../../model/CodespecDocument.ts"
import * as Problem from "../../model/Problem.ts"
import * as Run from "../../dsl/Run.ts"
import * as RunDocument from "../../model/RunDocument.ts"

/**
 * Tyger's YAML documents as values: a codespec spec file, and a run spec file whose `job:`/`worker:` codespec is a
 * reference or inline. Parsing text is the engine's job; this module maps parsed documents to and from the DSL.
 */
export type Decoded<A> = { readonly value: A; readonly problems: ReadonlyArray<Problem.Problem> }

const failure = <A>(problems: ReadonlyArray<Problem.Problem>): Decoded<A | undefined> => ({ value: undefined, problems })

export const decodeCodespec = (document: unknown, path = ""): Decoded<CodespecDocument.Spec | undefined> => {
  const exit = CodespecDocument.decodeUnknown(document ?? {}, CodespecDocument.decodeOptions)
  return Exit.isSuccess(exit) ? { value: exit.value, problems: [] } : failure(schemaProblems(path, exit))
}

const schemaProblems = (path: string, exit: Exit.Exit<unknown, unknown>): ReadonlyArray<Problem.Problem> => {
  if (Exit.isSuccess(exit)) return []
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  const schemaError = error?._tag === "Fail" ? error.error : undefined
  return schemaError !== undefined && typeof schemaError === "object" && "issue" in (schemaError as object)
    ? Problem.fromSchemaError(path, schemaError as never)
    : [Problem.make(path, String(schemaError ?? exit.cause))]
}

/** Tyger's CLI forces the kind of an inline codespec from where it stands. */
const inlineCodespec = (spec: CodespecDocument.Encoded, kind: CodespecDocument.Kind): Codespec.Untyped =>
  Codespec.fromSpec({ ...spec, kind })

const source = (ref: RunDocument.JobTarget["codespec"], kind: CodespecDocument.Kind): Run.CodespecSource | undefined =>
  ref === undefined ? undefined : typeof ref === "string" ? Run.reference(ref) : inlineCodespec(ref as unknown as CodespecDocument.Encoded, kind)

/** A run file of `kind: system`, which only Tyger's server creates. */
export const systemRunProblem: Problem.Problem = Problem.make("kind", RunDocument.SYSTEM_RUN_MESSAGE)

/** A run file's document as a DSL run (its codespecs are checked by `compile`). */
export const decodeRun = (document: unknown, name?: string): Decoded<Run.Any | undefined> => {
  const exit = RunDocument.decodeUnknown(document ?? {}, CodespecDocument.decodeOptions)
  if (Exit.isFailure(exit)) return failure(schemaProblems("", exit))
  const spec = exit.value
  const raw = (document ?? {}) as { job?: { codespec?: unknown }; worker?: { codespec?: unknown } }
  const jobRef = raw.job?.codespec as RunDocument.JobTarget["codespec"]
  const jobCodespec = source(jobRef, "job")
  if (jobCodespec === undefined) {
    return failure([Problem.make(spec.job === undefined ? "job" : "job.codespec", "a codespec for the job must be specified")])
  }
  const worker = spec.worker ?? undefined
  const workerRef = raw.worker?.codespec as RunDocument.JobTarget["codespec"]
  const workerCodespec = worker === undefined ? undefined : source(workerRef, "worker")
  if (worker !== undefined && workerCodespec === undefined) {
    return failure([Problem.make("worker.codespec", "a codespec for the worker must be specified")])
  }
  const job = spec.job ?? {}
  const options = dropUndefined({
    name,
    buffers: job.buffers ?? undefined,
    bufferTags: job.tags ?? undefined,
    bufferTtl: job.bufferTtl ?? undefined,
    nodePool: job.nodePool ?? undefined,
    replicas: job.replicas,
    timeoutSeconds: spec.timeoutSeconds ?? undefined,
    tags: spec.tags ?? undefined,
    cluster: spec.cluster ?? undefined,
    bufferAccessTtl: spec.bufferAccessTtl ?? undefined,
    worker: worker === undefined || workerCodespec === undefined
      ? undefined
      : dropUndefined({ codespec: workerCodespec, nodePool: worker.nodePool ?? undefined, replicas: worker.replicas })
  }) as Run.UntypedOptions
  const problems = worker !== undefined && Object.keys(worker.buffers ?? {}).length > 0
    ? [Problem.make("worker.buffers", "workers do not take buffers")]
    : []
  // Tyger's server refuses a system run once the run has been read, before anything else about it is checked.
  if (problems.length === 0 && RunDocument.isSystem(spec)) return failure([systemRunProblem])
  return { value: Run.untyped(jobCodespec, options), problems }
}

const dropUndefined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

/** A codespec file's document from a spec (what `codespec show` prints, without system fields). */
export const encodeCodespec = (spec: CodespecDocument.Spec): Record<string, unknown> => CodespecDocument.toJson(spec)

const encodeSource = (source: Run.CodespecSource): unknown =>
  Run.isReference(source) ? source.reference : source.spec

/** A run file's document. Derived env values and run-output bindings have no Tyger form and are refused. */
export const encodeRun = (run: Run.Any): Decoded<Record<string, unknown> | undefined> => {
  const problems: Array<Problem.Problem> = []
  const buffers: Record<string, string> = {}
  for (const [parameter, argument] of Object.entries(run.job.buffers)) {
    if (typeof argument === "string") buffers[parameter] = argument
    else problems.push(Problem.make(`job.buffers.${parameter}`, "a buffer from another run has no Tyger run-file form"))
  }
  if (Object.keys(run.job.env).length > 0) problems.push(Problem.make("job.env", "derived env values have no Tyger run-file form"))
  if (run.schedule !== undefined) problems.push(Problem.make("schedule", "schedules have no Tyger run-file form"))
  if (problems.length > 0) return failure(problems)
  const job = dropUndefined({
    codespec: encodeSource(run.job.codespec),
    buffers: Object.keys(buffers).length > 0 ? buffers : undefined,
    tags: run.job.bufferTags,
    bufferTtl: run.job.bufferTtl,
    nodePool: run.job.nodePool,
    replicas: run.job.replicas
  })
  const worker = run.worker === undefined
    ? undefined
    : dropUndefined({ codespec: encodeSource(run.worker.codespec), nodePool: run.worker.nodePool, replicas: run.worker.replicas })
  return {
    value: dropUndefined({
      job,
      worker,
      cluster: run.cluster,
      timeoutSeconds: run.timeoutSeconds,
      tags: run.tags,
      bufferAccessTtl: run.bufferAccessTtl
    }),
    problems: []
  }
}
