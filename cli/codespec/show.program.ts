import { Effect } from "effect"
import { Codespecs } from "../../engine/codespecs/Codespecs.ts"
import { invalidArguments, notFound } from "../CliError.ts"
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
  if (version !== undefined && !version.ok) return yield* invalidArguments(version.error)
  const name = yield* exactlyOneArg("codespec name", input.positionals)
  const codespecs = yield* Codespecs
  const stored = yield* codespecs.get(name, version?.value).pipe(
    Effect.catchTag("CodespecNotFound", () => Effect.fail(notFound()))
  )
  const io = yield* CliIo
  yield* io.out(CodespecJson.marshal(CodespecJson.toJson(stored)) + "\n")
})
