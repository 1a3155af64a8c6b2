import { Effect, Result } from "effect"
import { Workflows } from "../../engine/workflows/Workflows.ts"
import type { Flags } from "../BaseCommand.ts"
import { invalidArguments } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import * as Pflag from "../Pflag.ts"
import type { WorkflowShowCommand } from "./show.ts"
import { FORMATS, runRows, runsJson, table } from "./WorkflowOutput.ts"

/** `tyger workflow show NAME`: the workflow's runs as they stand now (last run id, status, buffers with --output json). */
export const show = Effect.fn("workflow.show")(function*(flags: Flags<WorkflowShowCommand>) {
  const format = Pflag.enumValue(Pflag.flagLabel("output"), flags.output ?? "text", FORMATS)
  if (Result.isFailure(format)) return yield* invalidArguments(format.failure)
  const [name, ...extra] = flags.positionals
  if (name === undefined || extra.length > 0) return yield* invalidArguments(`accepts 1 arg(s), received ${flags.positionals.length}`)
  const { record, runs } = yield* (yield* Workflows).show(name)
  const io = yield* CliIo
  if (format.success === "json") {
    return yield* io.out(`${JSON.stringify({ name, source: record.source, appliedAt: new Date(record.appliedAt).toISOString(), runs: runsJson(runs) }, null, 2)}\n`)
  }
  yield* io.out(table(runRows(runs)))
})
