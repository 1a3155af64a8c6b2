import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Layer } from "effect"
import type { Writable } from "node:stream"
import * as AzureBackend from "../engine/buffers/AzureBackend.ts"
import { BlobStore } from "../engine/buffers/BlobStore.ts"
import { Buffers } from "../engine/buffers/Buffers.ts"
import type { CodespecCatalog } from "../engine/codespecs/CodespecCatalog.ts"
import { Codespecs } from "../engine/codespecs/Codespecs.ts"
import * as LocalBlobStore from "../engine/buffers/LocalBlobStore.ts"
import type { Runs } from "../engine/runs/Runs.ts"
import type { Workflows } from "../engine/workflows/Workflows.ts"
import { Store } from "../engine/store/Store.ts"
import { CliIo } from "./CliIo.ts"
import { type BufferStorage, type Config, type Environment, missingDataDir } from "./Configuration.ts"
import * as Logging from "./Logging.ts"
import { isTerminal } from "./output/Progress.ts"

/**
 * The services a command's program runs with, as layers built from its configuration. Each family of commands gets
 * only what it uses, so a misconfigured buffer backend never gets in the way of the others, and the provider's modules
 * are loaded only by run commands.
 */
export type Services = NodeServices.NodeServices | Store | Codespecs | CodespecCatalog | CliIo

/** What `tyger buffer …` programs get on top: buffer metadata and data. */
export type BufferServices = Services | Buffers

/** What `tyger run …` and `tyger apply` programs get on top: the runs engine on the Docker provider, and workflows. */
export type RunServices = BufferServices | Runs | Workflows

/**
 * How a created run is supervised: by a detached `tyger run monitor` process (`run create`: the run outlives the
 * command), or by a fiber of this process (`run exec`, which waits for the run anyway, and the read-only commands).
 */
export type MonitorMode = "detached" | "inProcess"

const write = (stream: Writable) => (text: string) => Effect.sync(() => void stream.write(text))

export const storeLayer = (config: Config): Layer.Layer<Store, unknown> =>
  config.dataDir === undefined ? Layer.effect(Store, Effect.fail(missingDataDir())) : Store.layer({ dataDir: config.dataDir })

/** What every command has: the platform, the store (given, to be shared), the codespec catalog, the CLI's io, logging. */
export const layer = (config: Config, environment: Environment, store: Layer.Layer<Store, unknown>) =>
  Layer.mergeAll(
    NodeServices.layer,
    Codespecs.layer.pipe(Layer.provideMerge(store)),
    Layer.succeed(CliIo, CliIo.of({
      cwd: environment.cwd,
      out: write(environment.stdout),
      err: write(environment.stderr),
      colors: config.colors,
      errTerminal: isTerminal(environment.stderr),
      dataDir: config.dataDir
    })),
    Logging.layer({
      level: config.logLevel,
      format: config.logFormat,
      write: (line) => void environment.stderr.write(line)
    })
  )

const blobStoreLayer = (storage: BufferStorage, config: Config): Layer.Layer<BlobStore, unknown> => {
  if (storage.kind === "azure") {
    const { connectionString, location } = storage
    return AzureBackend.layer({ connectionString, location })
  }
  return config.dataDir === undefined
    ? Layer.effect(BlobStore, Effect.fail(missingDataDir()))
    : LocalBlobStore.layer({ dataDir: config.dataDir })
}

export const buffersLayer = (storage: BufferStorage, config: Config, store: Layer.Layer<Store, unknown>) =>
  Buffers.layer.pipe(Layer.provide(blobStoreLayer(storage, config)), Layer.provide(store))

/**
 * The runs engine: the Docker engine client (`DOCKER_HOST`), the Docker provider, the log archive and a monitor
 * launcher, over the given store and buffers. Their modules are loaded only now.
 */
export const runsLayer = async (options: {
  readonly dataDir: string
  readonly env: Environment["env"]
  readonly workerReadyTimeout: number | undefined
  readonly monitors: MonitorMode
  readonly store: Layer.Layer<Store, unknown>
  readonly buffers: Layer.Layer<Buffers, unknown>
}): Promise<Layer.Layer<Runs | Workflows, unknown>> => {
  const { dataDir, env, workerReadyTimeout, monitors, store, buffers } = options
  const [RunsModule, WorkflowsModule, RunLogArchive, MonitorLauncher, DockerClient, DockerProvider, MonitorProcess] = await Promise.all([
    import("../engine/runs/Runs.ts"),
    import("../engine/workflows/Workflows.ts"),
    import("../engine/runs/RunLogArchive.ts"),
    import("../engine/runs/MonitorLauncher.ts"),
    import("../providers/docker/DockerClient.ts"),
    import("../providers/docker/DockerProvider.ts"),
    import("./MonitorProcess.ts")
  ])
  const docker = DockerClient.DockerClient.layer({ host: env["DOCKER_HOST"], env })
  const provider = DockerProvider.layer({
    dataDir,
    ...(workerReadyTimeout === undefined ? {} : { workerReadyTimeout })
  }).pipe(Layer.provide(docker), Layer.provide(buffers))
  const launcher = monitors === "detached"
    ? MonitorProcess.layer({ dataDir, env })
    : MonitorLauncher.MonitorLauncher.inProcess
  const runs = RunsModule.Runs.layer.pipe(
    Layer.provideMerge(provider),
    Layer.provide(launcher),
    Layer.provide(RunLogArchive.RunLogArchive.layer({ dataDir })),
    Layer.provide(buffers),
    Layer.provide(store)
  )
  return WorkflowsModule.Workflows.layer.pipe(Layer.provideMerge(runs), Layer.provide(store))
}
