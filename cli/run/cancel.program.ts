import { Effect } from "effect"
import { Runs } from "../../engine/runs/Runs.ts"
import { invalidArguments, notFound } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import { exactlyOneArg, runIdOf, tygerErrors } from "./RunArgs.ts"
import type { Flags } from "../BaseCommand.ts"
import type { RunCancelCommand } from "./cancel.ts"

/**
 * `tyger run cancel ID`: the run becomes Canceled at once (`Canceled by user`) and its code is stopped. A run that
 * already ended is left as it is, which Tyger reports as an error naming its status.
 */
export const cancel = Effect.fn("run.cancel")(function*(flags: Flags<RunCancelCommand>) {
  const given = yield* exactlyOneArg("run name", flags.positionals)
  const id = runIdOf(given)
  if (id === undefined) return yield* notFound()
  const runs = yield* Runs
  const run = yield* tygerErrors(runs.cancel(id))
  const io = yield* CliIo
  if (run.status === "Canceling") return yield* io.out(`Cancel issued for job ${given}\n`)
  if (run.status === "Canceled") return yield* io.out(`Job ${given} has been canceled\n`)
  const reason = run.statusReason === undefined || run.statusReason === "" ? "" : ` (${run.statusReason})`
  return yield* invalidArguments(`unable to cancel job ${given} because its status is ${run.status}${reason}`)
})
