import { Duration, Effect, Schedule, type Scope } from "effect"
import * as Os from "node:os"
import process from "node:process"
import { processAlive } from "../../host/ProcessAlive.ts"
import type { Container } from "../BlobStore.ts"
import * as BufferFormat from "../BufferFormat.ts"

/**
 * A writer's lease, kept with the buffer so that every backend and every reader sees it: numbered heartbeat blobs
 * `.bufferwriter.0`, `.bufferwriter.1`, … Blobs are write-once (an access URL may only create them), so a heartbeat
 * is a new blob rather than an update. A reader that sees no new heartbeat for STALE_AFTER, or whose writer ran on
 * the same host and is gone, knows the writer died without recording `.bufferend`: without this, a `kill -9` of a
 * writer left its readers (and a run reading the buffer) waiting forever.
 *
 * Buffers written by Tyger, or by a tyger-ts before this lease, have no heartbeats and are waited for as before.
 */
export const BEAT_INTERVAL: Duration.Duration = Duration.seconds(10)
/** Three missed beats and some: a reader measures it on its own clock, so hosts' clocks need not agree. */
export const STALE_AFTER_MS = 45_000

const beatPath = (n: number) => `.bufferwriter.${n}`

interface Beat {
  readonly pid: number
  readonly host: string
}

const encode = (beat: Beat & { readonly at: string }) => new TextEncoder().encode(JSON.stringify(beat))

const decode = (body: Uint8Array): Beat | undefined => {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(body)) as { pid?: unknown; host?: unknown }
    return typeof parsed.pid === "number" && typeof parsed.host === "string" ? { pid: parsed.pid, host: parsed.host } : undefined
  } catch {
    return undefined
  }
}

/**
 * The writer's side: beat 0 at once, then one beat every BEAT_INTERVAL until the scope closes (the write ended and
 * recorded `.bufferend`). A beat that cannot be stored is skipped: the data path reports storage failures.
 */
export const hold = (container: Container, interval: Duration.Duration = BEAT_INTERVAL): Effect.Effect<void, never, Scope.Scope> => {
  let n = 0
  const beat = Effect.suspend(() => {
    const body = encode({ pid: process.pid, host: Os.hostname(), at: new Date().toISOString() })
    return container.putBlob(beatPath(n++), body, { contentMd5: BufferFormat.md5Base64(body) })
  }).pipe(Effect.ignore)
  return Effect.andThen(beat, Effect.forkScoped(Effect.repeat(Effect.andThen(Effect.sleep(interval), beat), Schedule.forever))).pipe(Effect.asVoid)
}

export interface Gone {
  readonly pid: number
  readonly host: string
  /** Why the writer counts as gone. */
  readonly why: "exited" | "silent"
}

const exists = (container: Container, n: number) =>
  container.headBlob(beatPath(n)).pipe(Effect.as(true), Effect.orElseSucceed(() => false))

/** The highest beat number there is, at or after `from` (which exists): exponential probe, then bisection. */
const latest = Effect.fnUntraced(function*(container: Container, from: number) {
  let low = from
  let step = 1
  while (yield* exists(container, low + step)) {
    low += step
    step *= 2
  }
  let high = low + step
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (yield* exists(container, middle)) low = middle
    else high = middle
  }
  return low
})

/**
 * The reader's side: `check` answers whether the writer is gone, judging by the beats seen since the watch began.
 * Nothing is judged before beat 0 exists (no writer yet, or a writer without a lease).
 */
export const watch = (container: Container, staleAfterMs: number = STALE_AFTER_MS) => {
  const state = { seq: -1, seenAt: Date.now(), writer: undefined as Beat | undefined }
  const check = Effect.gen(function*() {
    if (state.seq < 0) {
      const first = yield* container.getBlob(beatPath(0)).pipe(Effect.orElseSucceed(() => undefined))
      if (first === undefined) return undefined
      state.writer = decode(first.body)
      state.seq = 0
      state.seenAt = Date.now()
    }
    const seq = yield* latest(container, state.seq)
    if (seq > state.seq) {
      state.seq = seq
      state.seenAt = Date.now()
    }
    const writer = state.writer
    if (writer === undefined) return undefined
    if (writer.host === Os.hostname() && !processAlive(writer.pid)) return { ...writer, why: "exited" } satisfies Gone
    if (Date.now() - state.seenAt > staleAfterMs) return { ...writer, why: "silent" } satisfies Gone
    return undefined
  })
  return { check }
}

export const goneMessage = (gone: Gone): string =>
  gone.why === "exited"
    ? `the buffer's writer (process ${gone.pid} on ${gone.host}) exited before finishing the buffer`
    : `the buffer's writer (process ${gone.pid} on ${gone.host}) stopped sending heartbeats before finishing the buffer`
