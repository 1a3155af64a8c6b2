import { Effect, Stream } from "effect"
import type { Observation } from "../../engine/runs/Provider.ts"
import { DockerClient } from "./DockerClient.ts"
import { fromDocker } from "./DockerRunCreator.ts"
import * as Naming from "./internal/Naming.ts"
import type { ContainerInspect, ContainerState, ContainerSummary } from "./internal/Schemas.ts"

/** Docker's zero time (`0001-01-01T00:00:00Z`) means "never". */
const NEVER = /^0001-/

/**
 * An engine timestamp (RFC 3339 with up to nine fraction digits) as epoch milliseconds, or undefined for Docker's zero
 * time. Only three fraction digits are kept: not every runtime's Date parser accepts nine.
 */
export const epochMillis = (timestamp: string): number | undefined => {
  if (NEVER.test(timestamp)) return undefined
  const trimmed = timestamp.replace(/(\.\d{3})\d+/, "$1")
  const millis = Date.parse(trimmed)
  return Number.isNaN(millis) ? undefined : millis
}

/** An engine timestamp as epoch nanoseconds in decimal (LogLine.timestamp). */
export const epochNanos = (timestamp: string): string => {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp)
  const millis = match === null ? Number.NaN : Date.parse(`${match[1]}${match[3]}`)
  if (match === null || Number.isNaN(millis)) return "0"
  const seconds = BigInt(Math.floor(millis / 1000))
  return String(seconds * 1_000_000_000n + BigInt((match[2] ?? "").padEnd(9, "0")))
}

/**
 * The run's outcome from its exited main container, with Kubernetes-style reasons (Tyger's Docker mode gives none):
 * an OOM kill is `OOMKilled` whatever the exit code, a non-zero exit `Main exited with code N`.
 */
export const exitObservation = (state: ContainerState): Observation => {
  const finishedAt = epochMillis(state.FinishedAt) ?? Date.now()
  if (state.OOMKilled) return { status: "Failed", statusReason: "OOMKilled", finishedAt }
  if (state.ExitCode !== 0) {
    return { status: "Failed", statusReason: `Main exited with code ${state.ExitCode}`, finishedAt }
  }
  return { status: "Succeeded", finishedAt }
}

/**
 * Whether the container was OOM-killed. Docker 20.10 on cgroup v1 may report the exit (137) before it has processed
 * containerd's OOM event, or never report it at all (seen here about once in six kills over a memory limit), leaving
 * `State.OOMKilled` false. So a SIGKILLed container is looked up in the engine's event log: an `oom` event settles it;
 * otherwise, with a memory limit, a SIGKILL that no one asked the engine for (no `kill` event) came from the kernel's
 * OOM killer. (A program that SIGKILLs itself under a memory limit would be reported as OOMKilled too.)
 */
export const oomKilled = Effect.fn("DockerRunReader.oomKilled")(function*(container: ContainerInspect) {
  const state = container.State
  if (state.OOMKilled || state.ExitCode !== 137) return state.OOMKilled
  const docker = yield* DockerClient
  const since = epochMillis(state.StartedAt) ?? 0
  const events = yield* docker.events({
    since: new Date(since - 1000),
    until: new Date(),
    filters: { type: ["container"], container: [container.Id], event: ["oom", "kill"] }
  }).pipe(Stream.runCollect, Effect.map((all) => Array.from(all)), Effect.orElseSucceed(() => []))
  if (events.some((e) => e.Action === "oom")) return true
  const limited = (container.HostConfig?.Memory ?? 0) > 0
  return limited && !events.some((e) => e.Action === "kill")
})

/** Every container of the run (running or not), or only those also labelled `label`, oldest first. */
export const listContainers = Effect.fn("DockerRunReader.listContainers")(function*(
  instance: string,
  runId: number,
  label?: string
) {
  const docker = yield* DockerClient
  const filter = Naming.runFilter(instance, runId)
  const containers = yield* Effect.mapError(
    docker.listContainers({ all: true, filters: label === undefined ? filter : { label: [...filter.label, label] } }),
    fromDocker
  )
  return [...containers].sort((a, b) => (a.Created ?? 0) - (b.Created ?? 0))
})

const stopped = new Set(["exited", "dead", "created"])

/** Running, paused, restarting (a worker between its runs) or being removed. */
export const isRunning = (container: ContainerSummary): boolean => !stopped.has(container.State ?? "exited")

export const isActive = Effect.fn("DockerRunReader.isActive")(function*(instance: string, runId: number) {
  const containers = yield* listContainers(instance, runId)
  return containers.some(isRunning)
})
