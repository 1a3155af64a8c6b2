import { Effect } from "effect"
import { Runs } from "../../engine/runs/Runs.ts"
import { CliIo } from "../CliIo.ts"
import { runIdArg, tygerErrors } from "./RunArgs.ts"
import * as RunJson from "./RunJson.ts"
import type { Flags } from "../BaseCommand.ts"
import type { RunShowCommand } from "./show.ts"

/** `tyger run show ID`: the run as Tyger prints it, its job codespec resolved inline. */
export const show = Effect.fn("run.show")(function*(flags: Flags<RunShowCommand>) {
  const id = yield* runIdArg("run name", flags.positionals)
  const runs = yield* Runs
  const run = yield* tygerErrors(runs.get(id))
  const io = yield* CliIo
  yield* io.out(`${RunJson.marshal(RunJson.toJson(run))}\n`)
})
