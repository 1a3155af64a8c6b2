import { Effect } from "effect"
import { Codespecs } from "../../engine/codespecs/Codespecs.ts"
import { invalidArguments } from "../CliError.ts"
import { intFlag } from "../common/Args.ts"
import * as CodespecJson from "./CodespecJson.ts"
import { DEFAULT_LIMIT, pageSizeOf, printList, TRUNCATION_WARNING } from "../common/ListPages.ts"

export interface ListInput {
  readonly positionals: ReadonlyArray<string>
  readonly prefix: string | undefined
  /** `--limit`, as given. */
  readonly limit: string | undefined
}

export { TRUNCATION_WARNING }

/** `tyger codespec list`: names in order, paged as Tyger's server pages them (see printList). */
export const list = Effect.fn("codespec.list")(function*(input: ListInput) {
  const totalLimit = yield* intFlag("limit", "l", input.limit, DEFAULT_LIMIT)
  const [extra] = input.positionals
  if (extra !== undefined) return yield* invalidArguments(`unknown command "${extra}" for "tyger codespec list"`)
  const limitGiven = input.limit !== undefined
  const pageSize = yield* pageSizeOf(totalLimit, limitGiven)
  const prefix = input.prefix === undefined || input.prefix === "" ? {} : { prefix: input.prefix }
  const codespecs = yield* Codespecs
  yield* printList({
    pageSize,
    totalLimit,
    limitGiven,
    rows: (limit, after: string | undefined) => codespecs.list({ ...prefix, limit, ...(after === undefined ? {} : { after }) }),
    cursorOf: (item) => item.name,
    renderArray: (items) => Effect.succeed(CodespecJson.marshal(items.map(CodespecJson.toJson))),
    renderItem: (item) => Effect.succeed(CodespecJson.marshal(CodespecJson.toJson(item)))
  })
})
