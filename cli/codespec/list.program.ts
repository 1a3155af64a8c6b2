import { Effect } from "effect"
import { Codespecs } from "../../engine/codespecs/Codespecs.ts"
import type { Flags } from "../BaseCommand.ts"
import { invalidArguments } from "../CliError.ts"
import { intFlag } from "../common/Args.ts"
import * as CodespecJson from "./CodespecJson.ts"
import { DEFAULT_LIMIT, pageSizeOf, printList, TRUNCATION_WARNING } from "../common/ListPages.ts"
import type { CodespecListCommand } from "./list.ts"

export { TRUNCATION_WARNING }

/** `tyger codespec list`: names in order, paged as Tyger's server pages them (see printList). */
export const list = Effect.fn("codespec.list")(function*(flags: Flags<CodespecListCommand>) {
  const totalLimit = yield* intFlag("limit", "l", flags.limit, DEFAULT_LIMIT)
  const [extra] = flags.positionals
  if (extra !== undefined) return yield* invalidArguments(`unknown command "${extra}" for "tyger codespec list"`)
  const limitGiven = flags.limit !== undefined
  const pageSize = yield* pageSizeOf(totalLimit, limitGiven)
  const prefix = flags.prefix === undefined || flags.prefix === "" ? {} : { prefix: flags.prefix }
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
