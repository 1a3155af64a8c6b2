import { Effect } from "effect"
import { CliError } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"

/** The CLI's default total, and the server's page-size cap (`QueryParameters.GetValidatedPageLimit`). */
export const DEFAULT_LIMIT = 1000
export const MAX_PAGE_SIZE = 2000

export const TRUNCATION_WARNING =
  "Warning: the output was truncated. Specify the --limit parameter to increase the number of elements."

export interface Page<T, C> {
  readonly items: ReadonlyArray<T>
  readonly next: C | undefined
}

/**
 * Tyger's streamed list layout, used once a list needs more than one page: `[`, each item MarshalIndent'ed with the
 * two-space prefix and joined by `,\n  `, `]`; at most `totalLimit` items; the truncation warning (yellow on a
 * terminal) only when the user gave no `--limit`.
 */
export const printPages = Effect.fnUntraced(function*<T, C, E, R>(options: {
  readonly first: Page<T, C>
  readonly fetch: (cursor: C) => Effect.Effect<Page<T, C>, E, R>
  readonly render: (item: T) => Effect.Effect<string, E, R>
  readonly totalLimit: number
  readonly limitGiven: boolean
}) {
  const io = yield* CliIo
  let page = options.first
  let out = "[\n  "
  let printed = 0
  let truncated = false
  let first = true
  paging: for (;;) {
    for (const [i, item] of page.items.entries()) {
      if (!first || i !== 0) out += ",\n  "
      out += yield* options.render(item)
      printed++
      if (printed === options.totalLimit) {
        truncated = i < page.items.length - 1 || page.next !== undefined
        break paging
      }
    }
    first = false
    if (page.next === undefined) break
    page = yield* options.fetch(page.next)
  }
  yield* io.out(`${out}\n]\n`)
  if (!options.limitGiven && truncated) {
    yield* io.err(io.colors ? `\u001b[33m${TRUNCATION_WARNING}\u001b[0m\n` : `${TRUNCATION_WARNING}\n`)
  }
})

/**
 * The size of each page the CLI asks for. Without `--limit` it asks for one more than it prints, to learn whether the
 * output is truncated; a negative limit is refused with the server's message.
 */
export const pageSizeOf = (totalLimit: number, limitGiven: boolean): Effect.Effect<number, CliError> => {
  const requested = limitGiven ? totalLimit : totalLimit + 1
  if (requested < 0) {
    return Effect.fail(new CliError({ reason: "InvalidInput", messages: ["InvalidInput: Limit must be a non-negative integer."] }))
  }
  return Effect.succeed(Math.min(requested, MAX_PAGE_SIZE))
}

/**
 * Tyger's client/server paging replayed over local rows, because the page boundaries decide the output layout: pages
 * of `pageSize` (one row more is read to learn whether another page follows, whose continuation is the page's last
 * item); one indented array when the first page holds everything, else {@link printPages}.
 */
export const printList = Effect.fnUntraced(function*<T, C, E, R>(options: {
  readonly pageSize: number
  readonly totalLimit: number
  readonly limitGiven: boolean
  /** Up to `limit` rows after the continuation (from the start without one). */
  readonly rows: (limit: number, after: C | undefined) => Effect.Effect<ReadonlyArray<T>, E, R>
  readonly cursorOf: (item: T) => C
  readonly renderArray: (items: ReadonlyArray<T>) => Effect.Effect<string, E, R>
  readonly renderItem: (item: T) => Effect.Effect<string, E, R>
}) {
  const { pageSize } = options
  const fetch = (after: C | undefined): Effect.Effect<Page<T, C>, E, R> =>
    pageSize === 0
      ? Effect.succeed({ items: [], next: undefined })
      : Effect.map(options.rows(pageSize + 1, after), (rows) => {
        const items = rows.slice(0, pageSize)
        const last = items[items.length - 1]
        return { items, next: rows.length > pageSize && last !== undefined ? options.cursorOf(last) : undefined }
      })
  const first = yield* fetch(undefined)
  if (first.next === undefined) {
    const io = yield* CliIo
    return yield* io.out(`${yield* options.renderArray(first.items)}\n`)
  }
  yield* printPages({ first, fetch, render: options.renderItem, totalLimit: options.totalLimit, limitGiven: options.limitGiven })
})
