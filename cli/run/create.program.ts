import { Effect } from "effect"
import { Runs } from "../../engine/runs/Runs.ts"
import { invalidArguments } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import { tygerErrors } from "./RunArgs.ts"
import { runOf } from "./RunFromFlags.ts"
import type { Flags } from "../BaseCommand.ts"
import type { RunCreateCommand } from "./create.ts"

/** Tyger's `cobra.NoArgs`. */
export const noArgs = (command: string, positionals: ReadonlyArray<string>) => {
  const [extra] = positionals
  return extra === undefined
    ? Effect.void
    : Effect.fail(invalidArguments(`unknown command "${extra}" for "tyger run ${command}"`))
}

/** `--pull` progress: Tyger logs each Docker pull status line at INF on stderr. */
export const pullProgress = (line: string) => Effect.logInfo(line)

/** `tyger run create`: records the run, starts its detached monitor, prints the run id. */
export const create = Effect.fn("run.create")(function*(flags: Flags<RunCreateCommand>) {
  yield* noArgs("create", flags.positionals)
  const run = yield* runOf(flags)
  const runs = yield* Runs
  const created = yield* tygerErrors(runs.create(run, { pull: flags.pull, onProgress: pullProgress }))
  const io = yield* CliIo
  yield* io.out(`${created.id}\n`)
})
