import { Effect } from "effect"
import { DockerClient } from "./DockerClient.ts"
import { fromDocker } from "./DockerRunCreator.ts"
import { isRunning, listContainers } from "./DockerRunReader.ts"

/**
 * Kills what still runs of a run — every container, or only those carrying `label` (a distributed run's workers) —
 * as Tyger's Docker mode cancels: containers that exited are left for the log archive and removal.
 */
export const stop = Effect.fn("DockerRunStop.stop")(function*(instance: string, runId: number, label?: string) {
  const docker = yield* DockerClient
  const containers = yield* listContainers(instance, runId, label)
  yield* Effect.forEach(
    containers.filter(isRunning),
    (c) => docker.killContainer(c.Id).pipe(
      // Exited (or removed) meanwhile.
      Effect.catchIf((error) => error.reason === "Conflict" || error.reason === "NotFound", () => Effect.void),
      Effect.mapError(fromDocker)
    ),
    { concurrency: "unbounded", discard: true }
  )
})
