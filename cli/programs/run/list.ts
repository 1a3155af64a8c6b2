import { Effect } from "effect"
import { printPages, TRUNCATION_WARNING } from "../listPages.ts"
import { type RunRecord, STATUSES, type Status } from "../../../engine/RunRecord.ts"
import { Runs } from "../../../engine/Runs.ts"
import { CliError, invalidArguments } from "../../CliError.ts"
import { CliIo } from "../../CliIo.ts"
import * as Pflag from "../../pflag.ts"
import { intFlag, mapFlag, sinceFlag, tygerErrors } from "./common.ts"
import * as RunJson from "./runJson.ts"
import * as Since from "./since.ts"

export interface ListInput {
  readonly since: string | undefined
  readonly tags: ReadonlyArray<string> | undefined
  readonly statuses: ReadonlyArray<string> | undefined
  /** `--limit`, as given. */
  readonly limit: string | undefined
}

/** The CLI's default total, and the server's page-size cap. */
export const DEFAULT_LIMIT = 1000
export const MAX_PAGE_SIZE = 2000

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

interface Page {
  readonly items: ReadonlyArray<RunRecord>
  /** The continuation (`nextLink`): the last run of this page, when more follow. */
  readonly next: { readonly createdAt: number; readonly id: number } | undefined
}

/**
 * `tyger run list`, newest first: Tyger's client/server paging replayed over the engine, because the page
 * boundaries decide the output layout (one indented array, or the streamed form) and the truncation warning.
 */
export const list = Effect.fn("run.list")(function*(input: ListInput) {
  const since = yield* sinceFlag(input.since)
  const tags = yield* mapFlag("tag", undefined, input.tags)
  const statuses = yield* statusesFlag(input.statuses)
  const totalLimit = yield* intFlag("limit", "l", input.limit, DEFAULT_LIMIT)
  const limitGiven = input.limit !== undefined
  // Without --limit the CLI asks for one more than it prints, to learn whether the output is truncated.
  const requested = limitGiven ? totalLimit : totalLimit + 1
  if (requested < 0) {
    return yield* new CliError({ reason: "InvalidInput", messages: ["InvalidInput: Limit must be a non-negative integer."] })
  }
  const pageSize = Math.min(requested, MAX_PAGE_SIZE)
  const runs = yield* Runs
  const filter = {
    tags,
    statuses,
    ...(since === undefined ? {} : { since: Since.toMillis(since) })
  }
  const fetch = Effect.fnUntraced(function*(after: Page["next"]) {
    if (pageSize === 0) return { items: [], next: undefined } satisfies Page
    const rows = yield* tygerErrors(runs.list({ ...filter, limit: pageSize + 1, ...(after === undefined ? {} : { after }) }))
    const items = rows.slice(0, pageSize)
    const last = items[items.length - 1]
    return {
      items,
      next: rows.length > pageSize && last !== undefined ? { createdAt: last.createdAt, id: last.id } : undefined
    } satisfies Page
  })

  const io = yield* CliIo
  let page = yield* fetch(undefined)
  if (page.next === undefined) {
    return yield* io.out(`${RunJson.marshalListItem(page.items.map(RunJson.toJson))}\n`)
  }
  yield* printPages({ first: page, fetch, render: (item) => Effect.succeed(RunJson.marshalListItem(RunJson.toJson(item))), totalLimit, limitGiven })
})
