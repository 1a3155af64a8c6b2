import { Schema } from "effect"

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

export const Problem = Schema.Struct({ reason: Reason, path: Schema.String, message: Schema.String })
export type Problem = typeof Problem.Type

export class PlanCompileError extends Schema.TaggedError<PlanCompileError>()("PlanCompileError", {
  reason: Reason,
  problems: Schema.Array(Problem)
}) {
  override get message(): string {
    return this.problems.map((p) => (p.path === "" ? p.message : `${p.path}: ${p.message}`)).join("\n")
  }
}
