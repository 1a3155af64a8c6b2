// Names, labels and host paths of a run's Docker objects.
//
// Several data directories (one per user, per test, per CI job) may share one Docker engine, and each numbers its
// runs from 1, so `tyger-run=<id>` alone would let one data directory stop or remove another's containers. Every
// object therefore also carries the data directory's instance label, and container names end with it.
import { createHash } from "node:crypto"
import * as Path from "node:path"
import * as CodespecSpec from "../../../dsl/CodespecSpec.ts"

export const RUN_LABEL = "tyger-run"
export const MARKER_LABEL = "tyger-ts"
export const INSTANCE_LABEL = "tyger-ts-instance"
/** Tyger's label naming a container's role in its run (`main`, later `job-<i>`, `worker-<i>`). */
export const CONTAINER_NAME_LABEL = "tyger-run-container-name"

/** 12 hex digits of the SHA-256 of the resolved data directory. */
export const instanceOf = (dataDir: string): string =>
  createHash("sha256").update(Path.resolve(dataDir)).digest("hex").slice(0, 12)

export const mainContainerName = (instance: string, runId: number): string => `tyger-run-${runId}-main-${instance}`

export const labelsOf = (instance: string, runId: number, role: string): Record<string, string> => ({
  [RUN_LABEL]: String(runId),
  [MARKER_LABEL]: "1",
  [INSTANCE_LABEL]: instance,
  [CONTAINER_NAME_LABEL]: role
})

/** The Engine API filter selecting every container of one run of this data directory. */
export const runFilter = (instance: string, runId: number) => ({
  label: [`${RUN_LABEL}=${runId}`, `${INSTANCE_LABEL}=${instance}`]
})

/** `<dataDir>/runs/<id>` (0700: only the data directory's owner reaches the pipes) and its `pipes/` (mounted). */
export const runDir = (dataDir: string, runId: number): string => Path.join(dataDir, "runs", String(runId))
export const pipesDir = (dataDir: string, runId: number): string => Path.join(runDir(dataDir, runId), "pipes")

/** Tyger's Docker layout inside the container. */
export const containerPipesDir = (runId: number): string => `/run/secrets/${runId}/pipes`

export const pipeFile = (parameter: string): string => `${parameter}.pipe`

/** `<P>_PIPE` → the pipe's path inside the container, for each buffer parameter in order. */
export const pipeVariables = (runId: number, parameters: ReadonlyArray<string>): Array<readonly [string, string]> =>
  parameters.map((p) => [CodespecSpec.pipeVariable(p), `${containerPipesDir(runId)}/${pipeFile(p)}`] as const)
