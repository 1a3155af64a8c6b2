import { Effect } from "effect"
import { printPages, TRUNCATION_WARNING } from "../listPages.ts"
import { Buffers } from "../../../engine/Buffers.ts"
import type { BufferRecord } from "../../../engine/BufferRecord.ts"
import { CliError } from "../../CliError.ts"
import { CliIo } from "../../CliIo.ts"
import * as BufferJson from "../../output/bufferJson.ts"
import { intFlag, sweep, tagsFlag } from "./common.ts"

export interface ListInput {
  readonly tags: ReadonlyArray<string> | undefined
  readonly excludeTags: ReadonlyArray<string> | undefined
  /** `--limit`, as given. */
  readonly limit: string | undefined
  readonly softDeleted: boolean
}

/** The CLI's default total, and the server's page-size cap. */
export const DEFAULT_LIMIT = 1000
export const MAX_PAGE_SIZE = 2000

export { TRUNCATION_WARNING }

interface Page {
  readonly items: ReadonlyArray<BufferRecord>
  /** The continuation (`nextLink`): the last buffer of this page, when more follow. */
  readonly next: { readonly createdAt: number; readonly id: string } | undefined
}

/**
 * `tyger buffer list`, newest first: Tyger's client/server paging replayed over the Store, because the page
 * boundaries decide the output layout (one indented array, or the streamed form) and the truncation warning.
 */
export const list = Effect.fn("buffer.list")(function*(input: ListInput) {
  const tags = yield* tagsFlag("tag", input.tags)
  const excludeTags = yield* tagsFlag("exclude-tag", input.excludeTags)
  const totalLimit = yield* intFlag("limit", "l", input.limit, DEFAULT_LIMIT)
  const limitGiven = input.limit !== undefined
  // Without --limit the CLI asks for one more than it prints, to learn whether the output is truncated.
  const requested = limitGiven ? totalLimit : totalLimit + 1
  if (requested < 0) {
    return yield* new CliError({ reason: "InvalidInput", messages: ["InvalidInput: Limit must be a non-negative integer."] })
  }
  yield* sweep
  const pageSize = Math.min(requested, MAX_PAGE_SIZE)
  const buffers = yield* Buffers
  const fetch = Effect.fnUntraced(function*(after: Page["next"]) {
    if (pageSize === 0) return { items: [], next: undefined } satisfies Page
    const rows = yield* buffers.list({
      tags,
      excludeTags,
      softDeleted: input.softDeleted,
      limit: pageSize + 1,
      ...(after === undefined ? {} : { after })
    })
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
    return yield* io.out(`${BufferJson.marshalListItem(page.items.map(BufferJson.toJson))}\n`)
  }
  yield* printPages({ first: page, fetch, render: (item) => Effect.succeed(BufferJson.marshalListItem(BufferJson.toJson(item))), totalLimit, limitGiven })
})
