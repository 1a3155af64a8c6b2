import { Effect } from "effect"
import { Workflows } from "../../engine/workflows/Workflows.ts"
import type { Flags } from "../BaseCommand.ts"
import { CliIo } from "../CliIo.ts"
import type { WorkflowListCommand } from "./list.ts"
import { table } from "./WorkflowOutput.ts"

/** `tyger workflow list`: name, file, last apply (UTC) and number of runs of each applied workflow. */
export const list = Effect.fn("workflow.list")(function*(_flags: Flags<WorkflowListCommand>) {
  const records = yield* (yield* Workflows).list()
  const io = yield* CliIo
  if (records.length === 0) return yield* io.out("no workflow has been applied\n")
  yield* io.out(table([
    ["NAME", "FILE", "APPLIED", "RUNS"],
    ...records.map((r) => [r.name, r.source, new Date(r.appliedAt).toISOString(), String(r.runs.length)])
  ]))
})
