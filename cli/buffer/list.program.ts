import { Effect } from "effect"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import * as BufferJson from "../output/BufferJson.ts"
import { DEFAULT_LIMIT, pageSizeOf, printList, TRUNCATION_WARNING } from "../common/ListPages.ts"
import type { Flags } from "../BaseCommand.ts"
import { intFlag, sweep, tagsFlag } from "./BufferFlags.ts"
import type { BufferListCommand } from "./list.ts"

export { TRUNCATION_WARNING }

/** `tyger buffer list`, newest first, paged as Tyger's server pages it (see printList). */
export const list = Effect.fn("buffer.list")(function*(flags: Flags<BufferListCommand>) {
  const tags = yield* tagsFlag("tag", flags.tags)
  const excludeTags = yield* tagsFlag("exclude-tag", flags.excludeTags)
  const totalLimit = yield* intFlag("limit", "l", flags.limit, DEFAULT_LIMIT)
  const limitGiven = flags.limit !== undefined
  const pageSize = yield* pageSizeOf(totalLimit, limitGiven)
  yield* sweep
  const buffers = yield* Buffers
  yield* printList({
    pageSize,
    totalLimit,
    limitGiven,
    rows: (limit, after: { readonly createdAt: number; readonly id: string } | undefined) =>
      buffers.list({ tags, excludeTags, softDeleted: flags.softDeleted, limit, ...(after === undefined ? {} : { after }) }),
    cursorOf: (item) => ({ createdAt: item.createdAt, id: item.id }),
    renderArray: (items) => Effect.succeed(BufferJson.marshalListItem(items.map(BufferJson.toJson))),
    renderItem: (item) => Effect.succeed(BufferJson.marshalListItem(BufferJson.toJson(item)))
  })
})
