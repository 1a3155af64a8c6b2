import { Context, type Effect, Schema, type Stream } from "effect"
import type { ByteSink } from "../buffers/BufferReader.ts"
import type * as IgnoredSettings from "../plan/IgnoredSettings.ts"
import type * as Plan from "../plan/Plan.ts"
import type { Status } from "../store/RunRecord.ts"
import { errorFields } from "../../model/ErrorFields.ts"

/**
 * What realises a plan's run. The engine records runs and decides their lifecycle; a provider only turns one run of
 * a plan into running code, streams its buffers, and reports what it observes. Providers never see DSL values.
 */
export const Reason = Schema.Literals(["Unavailable", "NotFound", "Conflict", "ImageMissing", "ImagePullFailed", "Timeout", "Unsupported", "Unknown"])
export type Reason = typeof Reason.Type

export class ProviderError extends Schema.TaggedError<ProviderError>()("ProviderError", {
  provider: Schema.String,
  ...errorFields(Reason)
}) {}

/** One run of a compiled plan with everything the engine resolved for it. */
export interface RunRequest {
  readonly runId: number
  readonly plan: Plan.Plan
  readonly run: Plan.Run
  /** The buffer id bound to each of the job's buffer parameters. */
  readonly buffers: { readonly [parameter: string]: string }
  /** Pull missing images (Tyger's `--pull`); otherwise a missing image fails the run before it is created. */
  readonly pull: boolean
  /**
   * Only for a monitor hosted by the process that also writes an input buffer or reads an output buffer (`run exec`):
   * the same bytes go straight to or from the program's pipe instead of a second trip through the buffer store, so
   * each byte is hashed once per buffer. The buffers are still written in full.
   */
  readonly local?: LocalStreams
}

/** The bytes a caller is writing to an input buffer, offered to the input's pipe as they are written. */
export interface LocalFeed {
  /**
   * Writes each chunk to `sink` in order, resolving when the caller's data has ended and all of it was written, and
   * rejecting if the caller's data failed (the buffer is then failed too). A rejected `sink.write` stops the feed:
   * later chunks are dropped. Chunks are views of the writer's memory: `sink` must not keep one after its write.
   */
  readonly drainTo: (sink: ByteSink) => Promise<void>
  /** The pipe will never take the data (the program exited without reading it): chunks are dropped from now on. */
  readonly discard: () => void
}

export interface LocalStreams {
  readonly inputs: { readonly [parameter: string]: LocalFeed }
  /** Every byte the program writes to the output's pipe, as it is being written to the buffer (copies: keep them). */
  readonly outputs: { readonly [parameter: string]: ByteSink }
}

/** A change the provider observed while supervising a run. */
export interface Observation {
  readonly status: Status
  readonly statusReason?: string
  readonly runningCount?: number
  readonly startedAt?: number
  readonly finishedAt?: number
}

export interface LogLine {
  /** Epoch nanoseconds as a decimal string with the source's precision (RFC 3339 is rendered by the caller). */
  readonly timestamp: string
  /** Tyger's prefix: `[main]`, `[job-0]`, `[worker-1]` … or empty. */
  readonly prefix: string
  readonly text: string
}

export interface LogOptions {
  readonly follow: boolean
  /** Only lines strictly after this time (epoch ms). */
  readonly since?: number
  /** Only the last N lines. */
  readonly tail?: number
}

export class Provider extends Context.Service<Provider, {
  readonly name: string
  readonly capabilities: ReadonlySet<Plan.Capability>
  /**
   * Settings the provider accepts and realises runs without (Docker: node pools, identities, the cluster); the engine
   * warns when it creates a run that uses one. None when absent.
   */
  readonly ignores?: ReadonlySet<IgnoredSettings.Setting>
  /** Checks made before a run is recorded (engine reachable, images present or pulled). */
  readonly prepare: (request: Omit<RunRequest, "runId" | "buffers">, onProgress: (line: string) => Effect.Effect<void>) => Effect.Effect<void, ProviderError>
  /**
   * Realises the run and supervises it until its code ends, streaming buffers through the run's pipes and reporting
   * observations; the final observation is terminal. Interrupting it stops the run's code. Runs inside the run's
   * monitor, never in two processes at once.
   */
  readonly supervise: (request: RunRequest, report: (observation: Observation) => Effect.Effect<void>) => Effect.Effect<Observation, ProviderError>
  /** Stops whatever still runs for a run, from any process (cancel, timeout, a dead monitor). */
  readonly stop: (runId: number) => Effect.Effect<void, ProviderError>
  /** Whether anything of the run is still running (reconciliation after a monitor died). */
  readonly isActive: (runId: number) => Effect.Effect<boolean, ProviderError>
  /** The run's merged logs while its containers exist; chronological. */
  readonly logs: (runId: number, options: LogOptions) => Stream.Stream<LogLine, ProviderError>
  /** Removes the run's containers, networks and host files. */
  readonly remove: (runId: number) => Effect.Effect<void, ProviderError>
}>()("tyger-ts/engine/Provider") {}
