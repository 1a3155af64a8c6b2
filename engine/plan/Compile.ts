import { Effect, Option } from "effect"
import * as CodespecValidation from "../../model/CodespecValidation.ts"
import * as Run from "../../dsl/Run.ts"
import * as Suggest from "../../model/Suggest.ts"
import * as VersionNumber from "../../model/VersionNumber.ts"
import * as RunDocument from "../../model/RunDocument.ts"
import type * as Workflow from "../../dsl/Workflow.ts"
import { CodespecCatalog, type Resolved } from "../codespecs/CodespecCatalog.ts"
import { Compilation, MAX_RUN_NAME, RUN_NAME, type CompileOptions } from "./internal/CompileContext.ts"
import { compileRun, orderRuns } from "./internal/CompileRun.ts"
import * as Plan from "./Plan.ts"
import { PlanCompileError, type Reason } from "./PlanCompileError.ts"

export type { CompileOptions }

const referencesOf = (workflow: Workflow.Workflow): ReadonlySet<string> => {
  const refs = new Set<string>()
  for (const { run } of workflow.runs) {
    for (const source of [run.job.codespec, run.worker?.codespec]) {
      if (source !== undefined && Run.isReference(source)) refs.add(source.reference)
    }
  }
  return refs
}

const resolveReferences = Effect.fnUntraced(function*(references: ReadonlySet<string>) {
  const catalog = yield* Effect.serviceOption(CodespecCatalog)
  const resolved = new Map<string, Resolved | string>()
  for (const reference of references) {
    const parsed = RunDocument.parseReference(reference)
    if (parsed === undefined) continue
    const tooLarge = parsed.versionText === undefined ? undefined : VersionNumber.versionProblem(parsed.name, parsed.versionText)
    if (tooLarge !== undefined) {
      resolved.set(reference, tooLarge)
      continue
    }
    if (Option.isNone(catalog)) {
      resolved.set(reference, `The codespec '${parsed.name}' was not found`)
      continue
    }
    const result = yield* catalog.value.resolve(parsed.name, parsed.version).pipe(
      Effect.map((r): Resolved | string => r),
      Effect.catchTag("CodespecNotFound", (e) => Effect.succeed(e.message))
    )
    resolved.set(reference, result)
  }
  return resolved
})

/**
 * Compiles a workflow into a plan, or fails with one {@link PlanCompileError} that lists every problem with its
 * path. Named references are resolved through {@link CodespecCatalog} when one is provided.
 */
export const compile = Effect.fn("Compile.compile")(function*(workflow: Workflow.Workflow, options: CompileOptions = {}) {
  const references = yield* resolveReferences(referencesOf(workflow))
  const c = new Compilation(references)
  for (const { key, codespec } of workflow.codespecs) {
    c.locate(`codespecs.${key}`, `codespec ${codespec.name ?? key}`, codespec.location)
    const kind = codespec.kind === "unknown" ? CodespecValidation.kindOf(codespec.spec) ?? "job" : codespec.kind
    c.codespec(codespec, `codespecs.${key}`, kind)
  }
  const names = new Map<Run.Any, string>()
  for (const { key, run } of workflow.runs) names.set(run, run.name ?? key)
  const runs: Array<Plan.Run> = []
  const seen = new Set<string>()
  const groups = new Set<string>()
  for (const { run, group } of workflow.runs) {
    const name = names.get(run) ?? ""
    const path = `runs.${name}`
    c.locate(path, `run ${name}`, run.location)
    if (!RUN_NAME.test(name) || name.length > MAX_RUN_NAME) {
      c.problem("InvalidRun", path,
        `run names must consist of lower case alphanumeric characters or '-', start and end with an alphanumeric character, and be at most ${MAX_RUN_NAME} characters`)
    }
    if (seen.has(name)) c.problem("DuplicateName", path, `two runs are named '${name}'`)
    seen.add(name)
    const compiled = compileRun(c, run, name, path, names, options)
    if (group !== undefined && !groups.has(group.name)) {
      groups.add(group.name)
      c.locate(`runs.${group.name}`, `runs ${group.name}-*`, group.location)
      if (group.limit !== undefined && !(Number.isInteger(group.limit) && group.limit >= 1)) {
        c.problem("InvalidRun", `runs.${group.name}.limit`, `the limit must be a whole number of at least 1, not ${group.limit}`)
      }
      for (const { option, valid } of group.unknownOptions) {
        c.problem("InvalidRun", `runs.${group.name}.${option}`, `unknown option '${option}'`,
          `Run.each takes ${Suggest.listOf(valid)}${Suggest.didYouMean(option, valid)}`)
      }
    }
    if (compiled !== undefined) {
      runs.push(group?.limit === undefined ? compiled : { ...compiled, concurrency: { group: group.name, limit: group.limit } })
    }
  }
  const ordered = orderRuns(c, runs)
  if (c.problems.length > 0) {
    const problems = c.located()
    const reason: Reason = problems.every((p) => p.reason === "Unsupported") ? "Unsupported" : problems[0]!.reason
    return yield* new PlanCompileError({ reason, problems })
  }
  return { apiVersion: Plan.API_VERSION, codespecs: [...c.codespecs.values()], runs: ordered } satisfies Plan.Plan
})

