// Names, labels and host paths of a run's Docker objects.
//
// Several data directories (one per user, per test, per CI job) may share one Docker engine, and each numbers its
// runs from 1, so `tyger-run=<id>` alone would let one data directory stop or remove another's containers. Every
// object therefore also carries the data directory's instance label, and container names end with it.
import { createHash } from "node:crypto"
import * as Path from "node:path"
import * as CodespecDocument from "../../../model/CodespecDocument.ts"

export const RUN_LABEL = "tyger-run"
export const MARKER_LABEL = "tyger-ts"
export const INSTANCE_LABEL = "tyger-ts-instance"
/** Tyger's label naming a container's role in its run (`main`, `job-<i>`, `worker-<i>`): its log lines' prefix. */
export const CONTAINER_NAME_LABEL = "tyger-run-container-name"
/** Tyger's label on a distributed run's workers: `tyger-worker=<run id>`. */
export const WORKER_LABEL = "tyger-worker"

/** 12 hex digits of the SHA-256 of the resolved data directory. */
export const instanceOf = (dataDir: string): string =>
  createHash("sha256").update(Path.resolve(dataDir)).digest("hex").slice(0, 12)

export const mainContainerName = (instance: string, runId: number): string => `tyger-run-${runId}-main-${instance}`

/** The job's container of one replica: the run's `main` container when it is the only one. */
export const jobContainerName = (instance: string, runId: number, replica: number, replicas: number): string =>
  replicas === 1 ? mainContainerName(instance, runId) : `tyger-run-${runId}-job-${replica}-${instance}`

export const workerContainerName = (instance: string, runId: number, index: number): string =>
  `tyger-run-${runId}-worker-${index}-${instance}`

/** A distributed run's own bridge network: its workers' names resolve only there. */
export const networkName = (instance: string, runId: number): string => `tyger-run-${runId}-${instance}`

/**
 * The host name of a worker, as the job is told it and as the worker sees itself: Tyger's pod name. Unique per
 * network, and each run has its own, so two data directories' run 1 never meet.
 */
export const workerHost = (runId: number, index: number): string => `run-${runId}-worker-${index}`
export const jobHost = (runId: number, replica: number): string => `run-${runId}-job-${replica}`

/**
 * Tyger's log prefix role of a container (its `tyger-run-container-name` label): `main` when the job runs alone;
 * otherwise `job`/`worker` for a side with one replica and `job-<i>`/`worker-<i>` for a side with several.
 */
export const roleOf = (side: "job" | "worker", index: number, replicas: { readonly job: number; readonly worker: number }): string => {
  if (replicas.job + replicas.worker === 1) return "main"
  return replicas[side] === 1 ? side : `${side}-${index}`
}

/** What every object of a run carries (its network too). */
export const runLabels = (instance: string, runId: number): Record<string, string> => ({
  [RUN_LABEL]: String(runId),
  [MARKER_LABEL]: "1",
  [INSTANCE_LABEL]: instance
})

export const labelsOf = (instance: string, runId: number, role: string): Record<string, string> => ({
  ...runLabels(instance, runId),
  [CONTAINER_NAME_LABEL]: role
})

/**
 * A job container's labels. Tyger's Docker mode names the main container (`tyger-run-container-name=main`) only when the
 * run has buffers (its buffer sidecars then log beside it), and its log source prefixes the lines of every container
 * that has the label: so a run with buffers logs `[main] …`, one without logs bare lines. tyger-ts has no sidecar
 * containers (the run's monitor pumps the buffers) but keeps the label rule, so logs read as Tyger's.
 */
export const jobLabelsOf = (instance: string, runId: number, role: string, hasBuffers: boolean): Record<string, string> =>
  role === "main" && !hasBuffers ? runLabels(instance, runId) : labelsOf(instance, runId, role)

/** The Engine API filter selecting every container (or network) of one run of this data directory. */
export const runFilter = (instance: string, runId: number) => ({
  label: [`${RUN_LABEL}=${runId}`, `${INSTANCE_LABEL}=${instance}`]
})

/**
 * `<dataDir>/runs/<id>` (0700: only the data directory's owner reaches the pipes) and its `pipes/` (mounted); each
 * further job replica has its own `pipes-<i>/`, since a FIFO gives each byte to one reader.
 */
export const runDir = (dataDir: string, runId: number): string => Path.join(dataDir, "runs", String(runId))
export const pipesDir = (dataDir: string, runId: number, replica = 0): string =>
  Path.join(runDir(dataDir, runId), replica === 0 ? "pipes" : `pipes-${replica}`)

/** Tyger's Docker layout inside the container. */
export const containerPipesDir = (runId: number): string => `/run/secrets/${runId}/pipes`

export const pipeFile = (parameter: string): string => `${parameter}.pipe`

/** `<P>_PIPE` → the pipe's path inside the container, for each buffer parameter in order. */
export const pipeVariables = (runId: number, parameters: ReadonlyArray<string>): Array<readonly [string, string]> =>
  parameters.map((p) => [CodespecDocument.pipeVariable(p), `${containerPipesDir(runId)}/${pipeFile(p)}`] as const)
