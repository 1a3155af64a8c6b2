import { Effect } from "effect"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import { CliIo } from "../CliIo.ts"
import * as BufferJson from "../output/BufferJson.ts"
import { sweep, tagsFlag, ttlFlag } from "./BufferFlags.ts"

export interface CreateInput {
  readonly tags: ReadonlyArray<string> | undefined
  readonly ttl: string | undefined
  readonly location: string | undefined
  readonly fullResource: boolean
}

/** `tyger buffer create`: prints the new buffer's id, or the whole buffer with `--full-resource`. */
export const create = Effect.fn("buffer.create")(function*(input: CreateInput) {
  const tags = yield* tagsFlag("tag", input.tags)
  const ttl = yield* ttlFlag(input.ttl)
  yield* sweep
  const buffers = yield* Buffers
  const buffer = yield* buffers.create({
    tags,
    ...(ttl === undefined ? {} : { ttl }),
    ...(input.location === undefined ? {} : { location: input.location })
  })
  const io = yield* CliIo
  yield* io.out(input.fullResource ? `${BufferJson.marshal(BufferJson.toJson(buffer))}\n` : `${buffer.id}\n`)
})
