import { Effect, Result } from "effect"
import { Codespecs } from "../../engine/codespecs/Codespecs.ts"
import type { Flags } from "../BaseCommand.ts"
import { invalidArguments, notFound } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import * as Pflag from "../Pflag.ts"
import { exactlyOneArg } from "../common/Args.ts"
import * as CodespecJson from "./CodespecJson.ts"
import type { CodespecShowCommand } from "./show.ts"

const INT32_MAX = 2 ** 31 - 1

/** `tyger codespec show NAME [--version N]`: the latest (or given) version as Tyger prints it. */
export const show = Effect.fn("codespec.show")(function*(flags: Flags<CodespecShowCommand>) {
  const version = flags.version === undefined ? undefined : Pflag.int(Pflag.flagLabel("version"), flags.version)
  if (version !== undefined && Result.isFailure(version)) return yield* invalidArguments(version.failure)
  const name = yield* exactlyOneArg("codespec name", flags.positionals)
  // Tyger's server reads the version as an int32; a larger one names no version (404). Refused here, since the
  // store cannot represent it either.
  if (version !== undefined && (version.success > INT32_MAX || version.success < -INT32_MAX - 1)) return yield* notFound()
  const codespecs = yield* Codespecs
  const stored = yield* codespecs.get(name, version?.success).pipe(
    Effect.catchTag("CodespecNotFound", () => Effect.fail(notFound()))
  )
  const io = yield* CliIo
  yield* io.out(CodespecJson.marshal(CodespecJson.toJson(stored)) + "\n")
})
