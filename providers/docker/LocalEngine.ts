// The whole local engine as one layer: what the CLI, the benchmarks and a pipeline written as an Effect program all
// run on. It lives with the Docker provider because it is the one composition that picks a provider; the engine
// itself never names one.
import { Duration, Layer } from "effect"
import { BlobStore, type BlobStoreError } from "../../engine/buffers/BlobStore.ts"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import * as LocalBlobStore from "../../engine/buffers/LocalBlobStore.ts"
import { type CodespecCatalog } from "../../engine/codespecs/CodespecCatalog.ts"
import { Codespecs } from "../../engine/codespecs/Codespecs.ts"
import { MonitorLauncher } from "../../engine/runs/MonitorLauncher.ts"
import { RunLogArchive } from "../../engine/runs/RunLogArchive.ts"
import { Runs } from "../../engine/runs/Runs.ts"
import { Store } from "../../engine/store/Store.ts"
import { Workflows } from "../../engine/workflows/Workflows.ts"
import type { StoreError } from "../../engine/store/StoreError.ts"
import { DockerClient } from "./DockerClient.ts"
import * as DockerProvider from "./DockerProvider.ts"

export interface Options {
  /** Where the Store, the local buffers, the run directories and archived logs live. */
  readonly dataDir: string
  /** The Docker engine: `unix:///path` or a socket path; the default socket when omitted (`DOCKER_HOST` is not read here). */
  readonly dockerHost?: string | undefined
  /** Extra labels on every container the runs create. */
  readonly labels?: { readonly [key: string]: string }
  /** How long a distributed run's job waits for its workers. @default 5 minutes */
  readonly workerReadyTimeout?: Duration.Input | undefined
  /** Where buffer data lives. @default the local blob store under `dataDir` */
  readonly blobStore?: Layer.Layer<BlobStore, BlobStoreError>
  /**
   * Who supervises a created run. @default in this process (`MonitorLauncher.inProcess`): a run lives as long as the
   * program that created it, so an Effect program waits for its runs (`Runs.watch` to a final state) before it ends.
   */
  readonly monitors?: Layer.Layer<MonitorLauncher>
}

/** What {@link layer} provides. */
export type Services = Store | Codespecs | CodespecCatalog | BlobStore | Buffers | Runs | Workflows | DockerClient

/**
 * Store, codespecs, buffers and runs on the local Docker engine. Building it touches nothing but the data directory
 * (the Store opens its database); the first run connects to the engine.
 */
export const layer = (options: Options): Layer.Layer<Services, StoreError | BlobStoreError> => {
  const store = Store.layer({ dataDir: options.dataDir })
  const blobs = options.blobStore ?? LocalBlobStore.layer({ dataDir: options.dataDir })
  const buffers = Buffers.layer.pipe(Layer.provideMerge(blobs), Layer.provideMerge(store))
  const docker = DockerClient.layer({ host: options.dockerHost })
  const provider = DockerProvider.layer({
    dataDir: options.dataDir,
    ...(options.labels === undefined ? {} : { labels: options.labels }),
    ...(options.workerReadyTimeout === undefined ? {} : { workerReadyTimeout: options.workerReadyTimeout })
  }).pipe(Layer.provide(docker), Layer.provide(buffers))
  const runs = Runs.layer.pipe(
    Layer.provideMerge(provider),
    Layer.provide(options.monitors ?? MonitorLauncher.inProcess),
    Layer.provide(RunLogArchive.layer({ dataDir: options.dataDir })),
    Layer.provide(buffers)
  )
  const workflows = Workflows.layer.pipe(Layer.provideMerge(runs), Layer.provide(store))
  return Layer.mergeAll(workflows, buffers, docker, Codespecs.layer.pipe(Layer.provide(store)))
}
