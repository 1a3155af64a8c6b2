import { Effect, Stream } from "effect"
import type { LogLine, LogOptions, ProviderError } from "../../engine/runs/Provider.ts"
import { DockerClient } from "./DockerClient.ts"
import { fromDocker } from "./DockerRunCreator.ts"
import { epochNanos, listContainers } from "./DockerRunReader.ts"
import * as Naming from "./internal/Naming.ts"
import type { ContainerSummary } from "./internal/Schemas.ts"

/**
 * A run's logs as Tyger's DockerLogSource serves them: stdout and stderr of every container of the run, merged by
 * timestamp, each line prefixed `[<name>]` when its container has a `tyger-run-container-name` label. That label is set
 * on every container of a run with several (`[job-0]`, `[worker-1]` …) and on a lone main container only when the run
 * has buffers (Naming.jobLabelsOf), so a run with buffers logs `[main] …` as Tyger's does. Tyger's buffer sidecars
 * add their own lines (`[input-buffer-sidecar] …`); tyger-ts has no sidecar containers (the run's monitor pumps the
 * buffers), so only `[main]` appears. `since` is strictly after (Docker's is "at or after"), `tail` counts merged
 * lines (Docker's counts 16 KiB pieces per container), and `follow` streams until the containers stop. The archive
 * keeps these lines as they are (RunMonitor.finalize), so a finished run's logs read the same.
 */
const sinceParam = (nanos: bigint): string => `${nanos / 1_000_000_000n}.${String(nanos % 1_000_000_000n).padStart(9, "0")}`

interface Source {
  readonly id: string
  readonly prefix: string
}

/** A container's log prefix, as Tyger's: its `tyger-run-container-name` label in brackets, or none without one. */
export const prefixOf = (container: ContainerSummary): string => {
  const name = container.Labels?.[Naming.CONTAINER_NAME_LABEL]
  return name === undefined || name === "" ? "" : `[${name}]`
}

const sourcesOf = (containers: ReadonlyArray<ContainerSummary>): ReadonlyArray<Source> =>
  containers.map((c) => ({ id: c.Id, prefix: prefixOf(c) }))

const linesOf = (
  source: Source,
  options: { readonly follow: boolean; readonly since: bigint | undefined; readonly complete?: boolean }
) =>
  Effect.gen(function*() {
    const docker = yield* DockerClient
    return docker.containerLogs(source.id, {
      follow: options.follow,
      timestamps: true,
      ...(options.since === undefined ? {} : { since: sinceParam(options.since) })
    }).pipe(
      // Before a follow, a line the container is still writing is left to the follow, which brings it whole.
      Stream.filter((line) => options.complete !== true || line.partial !== true),
      Stream.map((line): LogLine => ({ timestamp: epochNanos(line.timestamp ?? ""), prefix: source.prefix, text: line.line })),
      Stream.filter((line) => options.since === undefined || BigInt(line.timestamp) > options.since),
      // A container removed meanwhile (the run was finalised by another process) simply has no more lines.
      Stream.catchIf((error) => error.reason === "NotFound", () => Stream.empty),
      Stream.mapError(fromDocker)
    )
  })

const byTime = (a: LogLine, b: LogLine): number => {
  const x = BigInt(a.timestamp)
  const y = BigInt(b.timestamp)
  return x < y ? -1 : x > y ? 1 : 0
}

/** Everything each source has logged so far (complete lines only, when a follow takes over after it). */
const snapshot = (sources: ReadonlyArray<Source>, since: bigint | undefined, complete: boolean) =>
  Effect.forEach(sources, (source) =>
    Effect.flatMap(linesOf(source, { follow: false, since, complete }), (lines) => Stream.runCollect(lines)), { concurrency: 4 })

const tailOf = (lines: ReadonlyArray<LogLine>, tail: number | undefined): ReadonlyArray<LogLine> =>
  tail === undefined || tail < 0 ? lines : tail === 0 ? [] : lines.slice(-tail)

export const logs = (instance: string, runId: number, options: LogOptions): Stream.Stream<LogLine, ProviderError, DockerClient> =>
  Stream.unwrap(Effect.gen(function*() {
    const sources = sourcesOf(yield* listContainers(instance, runId))
    const since = options.since === undefined ? undefined : BigInt(options.since) * 1_000_000n
    const perSource = (yield* snapshot(sources, since, options.follow === true)).map((lines) => Array.from(lines))
    // Merged and ordered; a stable sort keeps each container's own order on ties.
    const lines = perSource.flat().sort(byTime)
    const past = Stream.fromIterable(tailOf(lines, options.tail))
    if (!options.follow) return past
    // Each container's follow resumes after its own last line of the snapshot, so no line is lost or repeated
    // between the two (one container's later lines must not hide another's).
    const live = yield* Effect.forEach(sources, (source, i) => {
      const own = perSource[i]!
      return linesOf(source, { follow: true, since: own.length === 0 ? since : BigInt(own[own.length - 1]!.timestamp) })
    })
    return Stream.concat(past, Stream.mergeAll(live, { concurrency: "unbounded" }))
  }))
