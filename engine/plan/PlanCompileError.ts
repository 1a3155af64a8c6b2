import { Schema } from "effect"
import * as Path from "node:path"
import process from "node:process"

/** Why a workflow does not compile; one error carries every problem found. */
export const Reason = Schema.Literals([
  "InvalidCodespec",
  "InvalidRun",
  "MissingCodespec",
  "DuplicateName",
  "UnknownBuffer",
  "ReferenceCycle",
  "Unsupported"
])
export type Reason = typeof Reason.Type

export const Problem = Schema.Struct({
  reason: Reason,
  path: Schema.String,
  message: Schema.String,
  /** `file:line:column` of the builder call the problem is about, when the DSL recorded one. */
  location: Schema.optionalKey(Schema.String),
  /** With a location: what was built there (`run sum`, `codespec hello`) and the path inside it (`job.buffers.x`). */
  subject: Schema.optionalKey(Schema.String),
  detail: Schema.optionalKey(Schema.String),
  /**
   * What would be right, beside a message that is Tyger's own: shown by `tyger plan` and `apply`, while `run create`
   * prints Tyger's message alone, byte for byte.
   */
  hint: Schema.optionalKey(Schema.String)
})
export type Problem = typeof Problem.Type

/** `/home/me/flow/workflow.ts:12:3` → `workflow.ts:12:3` when it is under the working directory. */
const relative = (location: string): string => {
  const relativePath = Path.relative(process.cwd(), location)
  return relativePath.startsWith("..") || Path.isAbsolute(relativePath) ? location : relativePath
}

/**
 * One problem on one line. With a location: `workflow.ts:12:3 run sum → job.buffers.number: message`; without:
 * `runs.sum.job.buffers.number: message`.
 */
export const render = (problem: Problem): string => {
  const message = problem.hint === undefined ? problem.message : `${problem.message}; ${problem.hint}`
  if (problem.location === undefined || problem.subject === undefined) {
    return problem.path === "" ? message : `${problem.path}: ${message}`
  }
  const detail = problem.detail === undefined || problem.detail === "" ? "" : ` → ${problem.detail}`
  return `${relative(problem.location)} ${problem.subject}${detail}: ${message}`
}

export class PlanCompileError extends Schema.TaggedError<PlanCompileError>()("PlanCompileError", {
  reason: Reason,
  problems: Schema.Array(Problem)
}) {
  override get message(): string {
    return this.problems.map(render).join("\n")
  }
}
