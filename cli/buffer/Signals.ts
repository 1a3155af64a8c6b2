import { Effect } from "effect"

/**
 * Succeeds at the first SIGINT or SIGTERM, as Tyger's `signal.NotifyContext` does for `buffer read|write`. The
 * handlers exist only while this effect waits: afterwards (and in every other command) the signals keep their default
 * meaning, so a second Ctrl-C still ends the process at once.
 */
export const interrupted: Effect.Effect<void> = Effect.callback<void>((resume) => {
  const on = () => resume(Effect.void)
  process.once("SIGINT", on)
  process.once("SIGTERM", on)
  return Effect.sync(() => {
    process.off("SIGINT", on)
    process.off("SIGTERM", on)
  })
})
