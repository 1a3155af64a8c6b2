import { Effect } from "effect"
import { type BulkOperation, Buffers } from "../../engine/buffers/Buffers.ts"
import type { BufferRecord } from "../../engine/store/BufferRecord.ts"
import { CliIo } from "../CliIo.ts"
import * as BufferJson from "../output/BufferJson.ts"
import { fatal } from "../output/Fatal.ts"
import type { Flags } from "../BaseCommand.ts"
import { sweep, tagsFlag } from "./BufferFlags.ts"
import type { BulkCommand } from "./BulkCommand.ts"
import { confirm, type Terminal } from "./Confirm.ts"

const DONE: { readonly [O in BulkOperation]: string } = { delete: "Deleted", restore: "Restored", purge: "Purged" }

/**
 * `tyger buffer delete|restore|purge ID… | --tag K=V… | --all`. By id: each buffer in turn, printed as JSON (an object
 * for one id, an array for several); the first failure stops. By filter: a count and a confirmation unless `--force`.
 */
export const bulk = Effect.fn("buffer.bulk")(function*(
  operation: BulkOperation,
  flags: Flags<BulkCommand>,
  terminal: Terminal
) {
  const tags = yield* tagsFlag("tag", flags.tags)
  const excludeTags = yield* tagsFlag("exclude-tag", flags.excludeTags)
  const ids = flags.positionals
  const given = [ids.length > 0, Object.keys(tags).length > 0, flags.all].filter(Boolean).length
  if (given !== 1) return yield* fatal("One of ID, --tag, or --all must be specified")
  yield* sweep
  const buffers = yield* Buffers
  const io = yield* CliIo

  if (ids.length > 0) {
    const done: Array<BufferRecord> = []
    for (const id of ids) done.push(yield* buffers[operation](id))
    const json = done.map(BufferJson.toJson)
    return yield* io.out(`${BufferJson.marshal(json.length === 1 ? json[0] : json)}\n`)
  }

  const filter = { tags, excludeTags }
  if (!flags.force) {
    const count = yield* buffers.countFor(operation, filter)
    if (count === 0) return yield* io.out("No buffers found.\n")
    if (!(yield* confirm(terminal, `Are you sure you want to ${operation} ${count} buffers?`))) return
  }
  const changed = yield* buffers.bulk(operation, filter)
  yield* io.out(`${DONE[operation]} ${changed} buffers.\n`)
})
