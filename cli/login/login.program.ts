import { Effect } from "effect"
import { Store } from "../../engine/store/Store.ts"
import type { Flags } from "../BaseCommand.ts"
import { invalidArguments } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import type { LoginCommand } from "./login.ts"

/** Tyger's cloud login flags, by the field that holds each: none has a use here (there is no server). */
const CLOUD_FLAGS = [
  ["file", "file"],
  ["servicePrincipal", "service-principal"],
  ["certFile", "cert-file"],
  ["certThumbprint", "cert-thumbprint"],
  ["useDeviceCode", "use-device-code"],
  ["identity", "identity"],
  ["identityClientId", "identity-client-id"],
  ["github", "github"],
  ["federatedIdentity", "federated-identity"],
  ["tlsCertificates", "tls-certificates"]
] as const

/**
 * `tyger login`: Tyger's argument rules and messages; then the data directory is opened (the Store layer creates
 * and checks it), which is what "logged in" means here. Prints nothing on success, as Tyger.
 */
export const login = Effect.fn("login")(function*(flags: Flags<LoginCommand>) {
  const [server, ...extra] = flags.positionals
  if (extra.length > 0) return yield* invalidArguments("too many arguments")
  const given = CLOUD_FLAGS.filter(([field]) => {
    const value = flags[field]
    return value !== undefined && value !== false
  }).map(([, flag]) => flag)
  if (flags.local) {
    if (given.length > 0) return yield* invalidArguments(`the options --local and --${given[0]} cannot be used together`)
    if (server !== undefined) return yield* invalidArguments("--local cannot be specified with a server address")
  } else if (server === undefined && flags.file === undefined) {
    return yield* invalidArguments("either a server URL, --file, or --local must be specified")
  }
  yield* Store
  const { dataDir } = yield* CliIo
  // A script written for a Tyger server keeps working: what only a server would use is named and set aside.
  if (server !== undefined) {
    yield* Effect.logWarning(`tyger-ts has no server: ${server} is not contacted; commands use the data directory ${dataDir}`)
  }
  for (const flag of given) yield* Effect.logWarning(`--${flag} has no effect: tyger-ts uses the data directory ${dataDir}`)
})
