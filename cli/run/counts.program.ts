import { Effect } from "effect"
import { Runs } from "../../engine/runs/Runs.ts"
import { CliIo } from "../CliIo.ts"
import * as GoJson from "../output/GoJson.ts"
import { mapFlag, sinceFlag, tygerErrors } from "./RunArgs.ts"
import * as Since from "./Since.ts"
import type { Flags } from "../BaseCommand.ts"
import type { RunCountsCommand } from "./counts.ts"

/** `tyger run counts`: runs by status, lowercase keys sorted as Go's encoder sorts a map, only non-zero counts. */
export const counts = Effect.fn("run.counts")(function*(flags: Flags<RunCountsCommand>) {
  const since = yield* sinceFlag(flags.since)
  const tags = yield* mapFlag("tag", undefined, flags.tags)
  const runs = yield* Runs
  const byStatus = yield* tygerErrors(runs.counts({
    tags,
    ...(since === undefined ? {} : { since: Since.toMillis(since) })
  }))
  const keys = Object.keys(byStatus).filter((k) => (byStatus[k] ?? 0) > 0).sort()
  const io = yield* CliIo
  yield* io.out(`${GoJson.marshalIndent(Object.fromEntries(keys.map((k) => [k, byStatus[k]])), "", "  ")}\n`)
})
