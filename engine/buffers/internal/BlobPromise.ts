import { Effect } from "effect"

/**
 * An Effect over a Promise-returning operation whose interruption aborts `signal` and then waits for the operation
 * to settle, so an interrupted storage operation has finished (or backed out) before its caller moves on.
 * Only for operations that settle promptly: a read blocked on an idle pipe would hold interruption up.
 */
export const settled = <A, E>(
  run: (signal: AbortSignal) => Promise<A>,
  onError: (cause: unknown) => E
): Effect.Effect<A, E> =>
  Effect.callback<A, E>((resume, signal) => {
    const done = run(signal).then(
      (value) => resume(Effect.succeed(value)),
      (cause: unknown) => resume(Effect.fail(onError(cause)))
    )
    return Effect.promise(() => done)
  })
