import { Duration, Effect, Layer, Stream } from "effect"
import * as Fs from "node:fs/promises"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import type * as IgnoredSettings from "../../engine/plan/IgnoredSettings.ts"
import type * as Plan from "../../engine/plan/Plan.ts"
import { Provider } from "../../engine/runs/Provider.ts"
import { DockerClient } from "./DockerClient.ts"
import * as DockerLogSource from "./DockerLogSource.ts"
import { fromDocker, prepare, PROVIDER } from "./DockerRunCreator.ts"
import * as DockerRunReader from "./DockerRunReader.ts"
import * as DockerRunStop from "./DockerRunStop.ts"
import { supervise } from "./DockerSupervisor.ts"
import * as DockerWorkers from "./DockerWorkers.ts"
import * as Naming from "./internal/Naming.ts"

/**
 * What the Docker provider realises: distributed runs (workers on a network of the run's own), job replicas, GPUs,
 * ephemeral buffers (relayed by the monitor) and sockets (dialled by the monitor, see DockerSockets). Whether the
 * engine has the NVIDIA runtime is asked only when a run wants a GPU (`prepare`, with Tyger's message), so building the
 * provider costs no call to the engine. Node pools, identities and schedules have no meaning on one engine.
 */
export const CAPABILITIES: ReadonlySet<Plan.Capability> = new Set<Plan.Capability>([
  "DistributedRuns",
  "JobReplicas",
  "Gpu",
  "EphemeralBuffers",
  "Sockets",
  // Workers end with their run here (the supervisor kills them when the job has ended), so a scheduled run's workers
  // would too; schedules themselves are refused on their own (or dropped by `apply --once`).
  "ScheduledDistributedRuns"
])

/**
 * What a run may ask for and still run here without it, as in Tyger's Docker mode (a cloud run file runs locally):
 * one engine has no node pools, containers run without a workload identity, and there is no cluster to choose.
 */
export const IGNORES: ReadonlySet<IgnoredSettings.Setting> = new Set<IgnoredSettings.Setting>(["NodePools", "Identities", "Cluster"])

export interface Options {
  readonly dataDir: string
  /** Extra labels on every container (tests use them to clean up after themselves). */
  readonly labels?: { readonly [key: string]: string }
  /** How long a distributed run's job waits for every worker endpoint to accept connections. @default 5 minutes */
  readonly workerReadyTimeout?: Duration.Input
}

/**
 * The Docker provider: a run is one main container (or one per job replica) whose buffers flow through FIFOs in a
 * per-run host directory, pumped by the run's monitor (see DockerSupervisor), plus a distributed run's workers on a
 * network of the run's own (DockerWorkers). Role files follow Tyger's (DockerRunCreator, DockerRunReader,
 * DockerLogSource); this one only wires them to the engine's contract.
 */
export const layer = (options: Options): Layer.Layer<Provider, never, DockerClient | Buffers> =>
  Layer.effect(
    Provider,
    Effect.gen(function*() {
      const docker = yield* DockerClient
      const context = yield* Effect.context<DockerClient | Buffers>()
      const instance = Naming.instanceOf(options.dataDir)
      const creator = { dataDir: options.dataDir, instance, labels: options.labels ?? {} }
      const supervisor = supervise({
        ...creator,
        workerReadyTimeout: Duration.fromInputUnsafe(options.workerReadyTimeout ?? DockerWorkers.DEFAULT_READY_TIMEOUT)
      })

      const remove = Effect.fn("DockerProvider.remove")(function*(runId: number) {
        const containers = yield* DockerRunReader.listContainers(instance, runId)
        yield* Effect.forEach(
          containers,
          (c) => docker.removeContainer(c.Id, { force: true }).pipe(
            Effect.catchIf((error) => error.reason === "NotFound", () => Effect.void),
            Effect.mapError(fromDocker)
          ),
          { concurrency: "unbounded", discard: true }
        )
        // A distributed run's network, once no container of the run is attached to it.
        const networks = yield* Effect.mapError(docker.listNetworks({ filters: Naming.runFilter(instance, runId) }), fromDocker)
        yield* Effect.forEach(networks, (n) =>
          docker.removeNetwork(n.Id).pipe(
            Effect.catchIf((error) => error.reason === "NotFound", () => Effect.void),
            Effect.mapError(fromDocker)
          ), { discard: true })
        yield* Effect.promise(() => Fs.rm(Naming.runDir(options.dataDir, runId), { recursive: true, force: true }).catch(() => undefined))
      }, Effect.provide(context))

      return Provider.of({
        name: PROVIDER,
        capabilities: CAPABILITIES,
        ignores: IGNORES,
        prepare: (request, onProgress) => Effect.provide(prepare(request, onProgress), context),
        supervise: (request, report) => Effect.provide(supervisor(request, report), context),
        stop: (runId) => Effect.provide(DockerRunStop.stop(instance, runId), context),
        isActive: (runId) => Effect.provide(DockerRunReader.isActive(instance, runId), context),
        logs: (runId, logOptions) => Stream.provide(DockerLogSource.logs(instance, runId, logOptions), context),
        remove
      })
    })
  )
