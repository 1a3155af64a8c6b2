import { Effect, Stream } from "effect"
import { Runs } from "../../engine/runs/Runs.ts"
import { CliError, invalidArguments } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import * as GoJson from "../output/GoJson.ts"
import { goQuote } from "../Pflag.ts"
import { exactlyOneArg, tygerErrors } from "./RunArgs.ts"
import * as RunJson from "./RunJson.ts"
import type { Flags } from "../BaseCommand.ts"
import type { RunWatchCommand } from "./watch.ts"

/**
 * `tyger run watch ID [--full-resource]`: one compact JSON line per change (the run's system fields, or all of it),
 * identical consecutive lines once, until the run is terminal. Tyger retries a failed watch once, logging
 * `error watching run`, before giving up with the error.
 */
export const watch = Effect.fn("run.watch")(function*(flags: Flags<RunWatchCommand>) {
  const text = yield* exactlyOneArg("run name", flags.positionals)
  if (!/^[+-]?[0-9]+$/.test(text)) {
    return yield* invalidArguments(`strconv.ParseInt: parsing ${goQuote(text)}: invalid syntax`)
  }
  const runs = yield* Runs
  const io = yield* CliIo
  let last: string | undefined
  const attempt = Stream.runForEach(runs.watch(Number(text)), (run) => {
    const line = GoJson.marshal(flags.fullResource ? RunJson.toJson(run) : RunJson.metadataJson(run))
    if (line === last) return Effect.void
    last = line
    return io.out(`${line}\n`)
  }).pipe(tygerErrors)
  yield* attempt.pipe(
    Effect.catch((error) =>
      Effect.logError("error watching run").pipe(
        Effect.annotateLogs("error", error instanceof CliError ? error.messages.join("\n") : String(error)),
        Effect.andThen(attempt)
      ))
  )
})
