import { Effect, Result } from "effect"
import type { Flags } from "../BaseCommand.ts"
import { invalidArguments } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import { marshalIndent } from "../output/GoJson.ts"
import * as Pflag from "../Pflag.ts"
import type { LoginStatusCommand } from "./status.ts"

const FORMATS = ["text", "json"] as const

/** What the local installation offers, in Tyger's order of its server's capabilities. */
const CAPABILITIES = ["DistributedRuns", "Docker", "LocalBuffers"]

/**
 * `tyger login status`: Tyger's `You are logged in to <server>`, the data directory standing for the server (no
 * principal, roles or proxy: there is no sign-in); `--format json` gives Tyger's fields with the metadata.
 */
export const status = Effect.fn("login.status")(function*(flags: Flags<LoginStatusCommand>) {
  if (flags.positionals.length > 0) return yield* invalidArguments(`unknown command "${flags.positionals[0]}" for "tyger login status"`)
  const format = Pflag.enumValue(Pflag.flagLabel("format", "o"), flags.format ?? "text", FORMATS)
  if (Result.isFailure(format)) return yield* invalidArguments(format.failure)
  const io = yield* CliIo
  const server = io.dataDir ?? ""
  if (format.success === "text") return yield* io.out(`You are logged in to ${server}\n`)
  const metadata = { capabilities: CAPABILITIES, apiVersions: ["1.0"] }
  yield* io.out(marshalIndent({ serverUrl: server, metadata }, "", "  ") + "\n")
})
