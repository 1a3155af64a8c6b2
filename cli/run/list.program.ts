import { Effect } from "effect"
import { STATUSES, type Status } from "../../engine/store/RunRecord.ts"
import { Runs } from "../../engine/runs/Runs.ts"
import { invalidArguments } from "../CliError.ts"
import * as Pflag from "../Pflag.ts"
import { intFlag, mapFlag, sinceFlag, tygerErrors } from "./RunArgs.ts"
import * as RunJson from "./RunJson.ts"
import * as Since from "./Since.ts"
import { DEFAULT_LIMIT, pageSizeOf, printList, TRUNCATION_WARNING } from "../common/ListPages.ts"
import type { Flags } from "../BaseCommand.ts"
import type { RunListCommand } from "./list.ts"

export { TRUNCATION_WARNING }

/** enumflag's case-insensitive slice: each value (comma-separated too) names a status. */
const statusesFlag = (occurrences: ReadonlyArray<string> | undefined) => {
  const statuses: Array<Status> = []
  for (const occurrence of occurrences ?? []) {
    for (const value of occurrence.split(",")) {
      const status = STATUSES.find((s) => s.toLowerCase() === value.toLowerCase())
      if (status === undefined) {
        const listed = STATUSES.map((s) => `'${s}'`).sort().join(", ")
        return Effect.fail(invalidArguments(Pflag.invalidArgument(occurrence, Pflag.flagLabel("status"), `must be ${listed}`)))
      }
      if (!statuses.includes(status)) statuses.push(status)
    }
  }
  return Effect.succeed(statuses)
}

/**
 * `tyger run list`, newest first: Tyger's client/server paging replayed over the engine, because the page
 * boundaries decide the output layout (one indented array, or the streamed form) and the truncation warning.
 */
export const list = Effect.fn("run.list")(function*(flags: Flags<RunListCommand>) {
  const since = yield* sinceFlag(flags.since)
  const tags = yield* mapFlag("tag", undefined, flags.tags)
  const statuses = yield* statusesFlag(flags.statuses)
  const totalLimit = yield* intFlag("limit", "l", flags.limit, DEFAULT_LIMIT)
  const limitGiven = flags.limit !== undefined
  const pageSize = yield* pageSizeOf(totalLimit, limitGiven)
  const runs = yield* Runs
  const filter = {
    tags,
    statuses,
    ...(since === undefined ? {} : { since: Since.toMillis(since) })
  }
  yield* printList({
    pageSize,
    totalLimit,
    limitGiven,
    rows: (limit, after: { readonly createdAt: number; readonly id: number } | undefined) =>
      tygerErrors(runs.list({ ...filter, limit, ...(after === undefined ? {} : { after }) })),
    cursorOf: (item) => ({ createdAt: item.createdAt, id: item.id }),
    renderArray: (items) => Effect.succeed(RunJson.marshalListItem(items.map(RunJson.toJson))),
    renderItem: (item) => Effect.succeed(RunJson.marshalListItem(RunJson.toJson(item)))
  })
})
