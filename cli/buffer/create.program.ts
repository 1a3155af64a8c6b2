import { Effect } from "effect"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import { CliIo } from "../CliIo.ts"
import * as BufferJson from "../output/BufferJson.ts"
import type { Flags } from "../BaseCommand.ts"
import { sweep, tagsFlag, ttlFlag } from "./BufferFlags.ts"
import type { BufferCreateCommand } from "./create.ts"

/** `tyger buffer create`: prints the new buffer's id, or the whole buffer with `--full-resource`. */
export const create = Effect.fn("buffer.create")(function*(flags: Flags<BufferCreateCommand>) {
  const tags = yield* tagsFlag("tag", flags.tags)
  const ttl = yield* ttlFlag(flags.ttl)
  yield* sweep
  const buffers = yield* Buffers
  const buffer = yield* buffers.create({
    tags,
    ...(ttl === undefined ? {} : { ttl }),
    ...(flags.location === undefined ? {} : { location: flags.location })
  })
  const io = yield* CliIo
  yield* io.out(flags.fullResource ? `${BufferJson.marshal(BufferJson.toJson(buffer))}\n` : `${buffer.id}\n`)
})
