import { Effect } from "effect"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import { CliIo } from "../CliIo.ts"
import * as BufferJson from "../output/BufferJson.ts"
import { exactlyOneArg, sweep, tagsFlag, ttlFlag } from "./BufferFlags.ts"

export interface SetInput {
  readonly positionals: ReadonlyArray<string>
  readonly tags: ReadonlyArray<string> | undefined
  readonly clearTags: boolean
  readonly eTag: string | undefined
  readonly ttl: string | undefined
  readonly softDeleted: boolean
}

/** `tyger buffer set ID`: tags merged (or replaced with `--clear-tags`), `--etag` checked, `--ttl` moves the expiry. */
export const set = Effect.fn("buffer.set")(function*(input: SetInput) {
  const tags = yield* tagsFlag("tag", input.tags)
  const id = yield* exactlyOneArg("buffer ID", input.positionals)
  const ttl = yield* ttlFlag(input.ttl)
  yield* sweep
  const buffers = yield* Buffers
  const buffer = yield* buffers.set(id, {
    tags,
    clearTags: input.clearTags,
    softDeleted: input.softDeleted,
    ...(input.eTag === undefined ? {} : { eTag: input.eTag }),
    ...(ttl === undefined ? {} : { ttl })
  })
  const io = yield* CliIo
  yield* io.out(`${BufferJson.marshal(BufferJson.toJson(buffer))}\n`)
})
