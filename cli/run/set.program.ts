import { Effect } from "effect"
import * as Tags from "../../model/Tags.ts"
import { ETAG_MISMATCH } from "../../engine/buffers/Buffers.ts"
import { Runs } from "../../engine/runs/Runs.ts"
import { CliError, invalidArguments } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import { mapFlag, runIdArg, tygerErrors } from "./RunArgs.ts"
import * as RunJson from "./RunJson.ts"
import type { Flags } from "../BaseCommand.ts"
import type { RunSetCommand } from "./set.ts"

/**
 * `tyger run set ID`: Tyger's `SetFieldsOnEntity`. Without `--clear-tags` the run is read, `--etag` compared with its
 * ETag on the client, and the given tags merged over its own; the whole tag set is then replaced, guarded by `--etag`
 * when given (a stale one is the server's bodiless 412).
 */
export const set = Effect.fn("run.set")(function*(flags: Flags<RunSetCommand>) {
  const given = yield* mapFlag("tag", undefined, flags.tags)
  const id = yield* runIdArg("Run ID", flags.positionals)
  const eTag = flags.eTag === undefined || flags.eTag === "" ? undefined : flags.eTag
  const runs = yield* Runs
  let tags: { readonly [key: string]: string } = given
  if (!flags.clearTags) {
    const current = yield* tygerErrors(runs.get(id))
    if (eTag !== undefined && eTag !== current.eTag) return yield* invalidArguments(ETAG_MISMATCH)
    tags = { ...current.tags, ...given }
  }
  const problems = Tags.validate("", tags)
  if (problems.length > 0) {
    return yield* new CliError({ reason: "InvalidInput", messages: [`InvalidInput: ${problems[0]!.message}`] })
  }
  const updated = yield* tygerErrors(runs.setTags(id, tags, eTag))
  const io = yield* CliIo
  yield* io.out(`${RunJson.marshal(RunJson.toJson(updated))}\n`)
})
