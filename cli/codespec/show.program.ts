import { Effect, Result } from "effect"
import { Store } from "../../engine/store/Store.ts"
import type { StoreError } from "../../engine/store/StoreError.ts"
import { type CliError, invalidArguments, notFound } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import * as Pflag from "../Pflag.ts"
import { exactlyOneArg } from "../common/Args.ts"
import * as CodespecJson from "./CodespecJson.ts"

export interface ShowInput {
  readonly positionals: ReadonlyArray<string>
  /** `--version`, as given. */
  readonly version: string | undefined
}

/** `tyger codespec show NAME [--version N]`: the latest (or given) version as Tyger prints it. */
export const show = Effect.fn("codespec.show")(function*(input: ShowInput) {
  const version = input.version === undefined ? undefined : Pflag.int(Pflag.flagLabel("version"), input.version)
  if (version !== undefined && Result.isFailure(version)) return yield* invalidArguments(version.failure)
  const name = yield* exactlyOneArg("codespec name", input.positionals)
  const store = yield* Store
  const stored = yield* store.getCodespec(name, version?.success).pipe(
    Effect.catchTag("StoreError", (error: StoreError): Effect.Effect<never, StoreError | CliError> =>
      error.reason === "NotFound" ? Effect.fail(notFound()) : Effect.fail(error))
  )
  const io = yield* CliIo
  yield* io.out(CodespecJson.marshal(yield* CodespecJson.toJson(stored)) + "\n")
})
