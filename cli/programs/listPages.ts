import { Effect } from "effect"
import { CliIo } from "../CliIo.ts"

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
