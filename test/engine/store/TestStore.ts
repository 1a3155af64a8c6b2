// A fresh Store under a TestClock, for the store's row tests: time moves only when a test says so.
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { Store } from "../../../engine/store/Store.ts"
import { tempDir } from "../../support/Run.ts"

export const T0 = Date.UTC(2026, 0, 1)

/** Runs `program` on a new store (under a temporary directory named with `prefix`), the clock set to {@link T0}. */
export const withStore = (prefix: string) => <A, E>(program: Effect.Effect<A, E, Store>): Promise<A> =>
  Effect.runPromise(
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      return yield* program
    }).pipe(Effect.provide(Layer.provideMerge(Store.layer({ dataDir: tempDir(prefix) }), TestClock.layer()))) as Effect.Effect<A, E>
  )
