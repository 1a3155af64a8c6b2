import { Duration, Effect, Schedule } from "effect"
import type { BlobStoreError } from "../BlobStore.ts"

// Tyger retries a busy or failing service (HTTP 500/503) up to 100 times behind its HTTP client's own backoff; here
// the backend has made its few quick tries already, so back off from 100 ms to 5 s, 20 times (≈ 1.5 minutes).
const schedule = Schedule.exponential("100 millis").pipe(
  Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, Duration.seconds(5))))
)

/** Retries `Unavailable` and, `md5Retries` times, `Md5Mismatch` (a body corrupted in transit; Tyger: 5). */
export const retryTransient = (md5Retries: number) => <A, R>(effect: Effect.Effect<A, BlobStoreError, R>) => {
  let md5Failures = 0
  return effect.pipe(
    Effect.retry({
      while: (error) =>
        error.reason === "Unavailable" || (error.reason === "Md5Mismatch" && ++md5Failures <= md5Retries),
      schedule,
      times: 20
    })
  )
}
