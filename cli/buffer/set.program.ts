import { Effect } from "effect"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import { CliIo } from "../CliIo.ts"
import * as BufferJson from "../output/BufferJson.ts"
import type { Flags } from "../BaseCommand.ts"
import { exactlyOneArg, sweep, tagsFlag, ttlFlag } from "./BufferFlags.ts"
import type { BufferSetCommand } from "./set.ts"

/** `tyger buffer set ID`: tags merged (or replaced with `--clear-tags`), `--etag` checked, `--ttl` moves the expiry. */
export const set = Effect.fn("buffer.set")(function*(flags: Flags<BufferSetCommand>) {
  const tags = yield* tagsFlag("tag", flags.tags)
  const id = yield* exactlyOneArg("buffer ID", flags.positionals)
  const ttl = yield* ttlFlag(flags.ttl)
  yield* sweep
  const buffers = yield* Buffers
  const buffer = yield* buffers.set(id, {
    tags,
    clearTags: flags.clearTags,
    softDeleted: flags.softDeleted,
    ...(flags.eTag === undefined ? {} : { eTag: flags.eTag }),
    ...(ttl === undefined ? {} : { ttl })
  })
  const io = yield* CliIo
  yield* io.out(`${BufferJson.marshal(BufferJson.toJson(buffer))}\n`)
})
