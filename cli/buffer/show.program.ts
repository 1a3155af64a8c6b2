import { Effect } from "effect"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import { CliIo } from "../CliIo.ts"
import * as BufferJson from "../output/BufferJson.ts"
import type { Flags } from "../BaseCommand.ts"
import { exactlyOneArg, sweep } from "./BufferFlags.ts"
import type { BufferShowCommand } from "./show.ts"

/** `tyger buffer show ID [--soft-deleted]`: soft-deleted buffers are shown only with the flag, active ones only without. */
export const show = Effect.fn("buffer.show")(function*(flags: Flags<BufferShowCommand>) {
  const id = yield* exactlyOneArg("buffer ID", flags.positionals)
  yield* sweep
  const buffers = yield* Buffers
  const buffer = yield* buffers.get(id, { softDeleted: flags.softDeleted })
  const io = yield* CliIo
  yield* io.out(`${BufferJson.marshal(BufferJson.toJson(buffer))}\n`)
})
