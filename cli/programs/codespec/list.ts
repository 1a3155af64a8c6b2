import { Effect } from "effect"
import { printPages, TRUNCATION_WARNING } from "../listPages.ts"
import { Store, type StoredCodespec } from "../../../engine/Store.ts"
import { CliError, invalidArguments } from "../../CliError.ts"
import { CliIo } from "../../CliIo.ts"
import * as Pflag from "../../pflag.ts"
import * as CodespecJson from "../codespecJson.ts"

export interface ListInput {
  readonly positionals: ReadonlyArray<string>
  readonly prefix: string | undefined
  /** `--limit`, as given. */
  readonly limit: string | undefined
}

/** The CLI's default total, and the server's page-size cap (`QueryParameters.GetValidatedPageLimit`). */
export const DEFAULT_LIMIT = 1000
export const MAX_PAGE_SIZE = 2000

export { TRUNCATION_WARNING }

interface Page {
  readonly items: ReadonlyArray<StoredCodespec>
  /** The continuation (`nextLink`): the last name of this page, when more follow. */
  readonly next: string | undefined
}

/**
 * `tyger codespec list`: Tyger's client/server paging replayed over the Store, because the page boundaries decide the
 * output layout (one indented array, or the streamed form) and whether the truncation warning appears.
 */
export const list = Effect.fn("codespec.list")(function*(input: ListInput) {
  const limit = input.limit === undefined ? undefined : Pflag.int(Pflag.flagLabel("limit", "l"), input.limit)
  if (limit !== undefined && !limit.ok) return yield* invalidArguments(limit.error)
  const [extra] = input.positionals
  if (extra !== undefined) return yield* invalidArguments(`unknown command "${extra}" for "tyger codespec list"`)
  const limitGiven = limit !== undefined
  const totalLimit = limit?.value ?? DEFAULT_LIMIT
  // Without --limit the CLI asks for one more than it prints, to learn whether the output is truncated.
  const requested = limitGiven ? totalLimit : totalLimit + 1
  if (requested < 0) {
    return yield* new CliError({ reason: "InvalidInput", messages: ["InvalidInput: Limit must be a non-negative integer."] })
  }
  const pageSize = Math.min(requested, MAX_PAGE_SIZE)
  const prefix = input.prefix === undefined || input.prefix === "" ? {} : { prefix: input.prefix }

  const store = yield* Store
  const fetch = Effect.fnUntraced(function*(after: string | undefined) {
    if (pageSize === 0) return { items: [], next: undefined } satisfies Page
    const rows = yield* store.listCodespecs({ ...prefix, limit: pageSize + 1, ...(after === undefined ? {} : { after }) })
    const items = rows.slice(0, pageSize)
    return { items, next: rows.length > pageSize ? items[items.length - 1]?.name : undefined } satisfies Page
  })

  const io = yield* CliIo
  let page = yield* fetch(undefined)
  if (page.next === undefined) {
    const items = yield* Effect.forEach(page.items, CodespecJson.toJson)
    return yield* io.out(CodespecJson.marshal(items) + "\n")
  }
  yield* printPages({ first: page, fetch, render: (item) => Effect.map(CodespecJson.toJson(item), CodespecJson.marshal), totalLimit, limitGiven })
})
