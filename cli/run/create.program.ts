import { Effect } from "effect"
import { Runs } from "../../engine/runs/Runs.ts"
import { invalidArguments } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import { tygerErrors } from "./RunArgs.ts"
import { runOf, type SpecInput } from "./RunFromFlags.ts"

export interface CreateInput extends SpecInput {
  readonly positionals: ReadonlyArray<string>
  readonly pull: boolean
}

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
export const create = Effect.fn("run.create")(function*(input: CreateInput) {
  yield* noArgs("create", input.positionals)
  const run = yield* runOf(input)
  const runs = yield* Runs
  const created = yield* tygerErrors(runs.create(run, { pull: input.pull, onProgress: pullProgress }))
  const io = yield* CliIo
  yield* io.out(`${created.id}\n`)
})
