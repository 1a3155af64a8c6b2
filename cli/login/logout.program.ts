import { Effect } from "effect"
import type { Flags } from "../BaseCommand.ts"
import { invalidArguments } from "../CliError.ts"
import type { LogoutCommand } from "./logout.ts"

/** `tyger logout`: Tyger empties its login cache; tyger-ts keeps none, so there is nothing to do but succeed. */
export const logout = Effect.fn("logout")(function*(flags: Flags<LogoutCommand>) {
  if (flags.positionals.length > 0) return yield* invalidArguments(`unknown command "${flags.positionals[0]}" for "tyger logout"`)
})
