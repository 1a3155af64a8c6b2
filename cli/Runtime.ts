import * as NodeServices from "@effect/platform-node/NodeServices"
import { Cause, Effect, Exit, Layer, ManagedRuntime, Option, Result } from "effect"
import * as Path from "node:path"
import type { Writable } from "node:stream"
import * as GoDuration from "../model/GoDuration.ts"
import { BlobStore } from "../engine/buffers/BlobStore.ts"
import { Buffers } from "../engine/buffers/Buffers.ts"
import type { CodespecCatalog } from "../engine/codespecs/CodespecCatalog.ts"
import { Codespecs } from "../engine/codespecs/Codespecs.ts"
import * as DataDir from "../engine/store/DataDir.ts"
import * as LocalBlobStore from "../engine/buffers/LocalBlobStore.ts"
import type { Runs } from "../engine/runs/Runs.ts"
import { Store } from "../engine/store/Store.ts"
import { CliError } from "./CliError.ts"
import { CliIo } from "./CliIo.ts"
import * as Logging from "./Logging.ts"
import * as Pflag from "./Pflag.ts"

/**
 * The composition root of every command: configuration is read here once (flags, then the environment), turned into
 * layers, and the command's program runs on a ManagedRuntime built from them. Failures become `Error: ...` lines.
 */
export type Services = NodeServices.NodeServices | Store | Codespecs | CodespecCatalog | CliIo

/** What `tyger buffer …` programs get on top: buffer metadata and data (see {@link runWithBuffers}). */
export type BufferServices = Services | Buffers

/** What `tyger run …` programs get on top: the runs engine on the Docker provider (see {@link runWithRuns}). */
export type RunServices = BufferServices | Runs

/**
 * How a created run is supervised: by a detached `tyger run monitor` process (`run create`: the run outlives the
 * command), or by a fiber of this process (`run exec`, which waits for the run anyway, and the read-only commands).
 */
export type MonitorMode = "detached" | "inProcess"

export interface Environment {
  readonly stdout: Writable
  readonly stderr: Writable
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
}

/** The persistent flags, as given. */
export interface GlobalOptions {
  readonly logLevel: string | undefined
  readonly logFormat: string | undefined
  readonly proxy: string | undefined
  readonly dataDir: string | undefined
}

interface Config {
  readonly logLevel: Logging.Level
  readonly logFormat: Logging.Format
  readonly dataDir: string | undefined
  readonly colors: boolean
}

const isTerminal = (stream: Writable): boolean => (stream as { readonly isTTY?: boolean }).isTTY === true

const readConfig = (environment: Environment, globals: GlobalOptions): Pflag.Parsed<Config> => {
  const logLevel = Pflag.enumValue(Pflag.flagLabel("log-level"), globals.logLevel ?? "info", Logging.LEVELS)
  if (!logLevel.ok) return logLevel
  const logFormat = Pflag.enumValue(Pflag.flagLabel("log-format"), globals.logFormat ?? "", Logging.FORMATS)
  if (!logFormat.ok) return logFormat
  const { env, cwd } = environment
  const dataDir = globals.dataDir !== undefined && globals.dataDir !== "" ? globals.dataDir : DataDir.resolveDataDir(env)
  return {
    ok: true,
    value: {
      logLevel: logLevel.value,
      logFormat: logFormat.value,
      dataDir: dataDir === undefined ? undefined : Path.resolve(cwd, dataDir),
      colors: isTerminal(environment.stdout) && (env["NO_COLOR"] ?? "") === "" && env["TERM"] !== "dumb"
    }
  }
}

const write = (stream: Writable) => (text: string) => Effect.sync(() => void stream.write(text))

const missingDataDir = () =>
  new CliError({
    reason: "Configuration",
    messages: ["cannot determine the data directory: set TYGER_TS_DATA_DIR or HOME, or pass --data-dir"]
  })

const storeLayer = (config: Config): Layer.Layer<Store, unknown> =>
  config.dataDir === undefined ? Layer.effect(Store, Effect.fail(missingDataDir())) : Store.layer({ dataDir: config.dataDir })

const layer = (config: Config, environment: Environment, store: Layer.Layer<Store, unknown>) =>
  Layer.mergeAll(
    NodeServices.layer,
    Codespecs.layer.pipe(Layer.provideMerge(store)),
    Layer.succeed(CliIo, CliIo.of({
      cwd: environment.cwd,
      out: write(environment.stdout),
      err: write(environment.stderr),
      colors: config.colors
    })),
    Logging.layer({
      level: config.logLevel,
      format: config.logFormat,
      write: (line) => void environment.stderr.write(line)
    })
  )

/** Where buffer data lives: `TYGER_TS_BUFFER_STORAGE` (`local`, the default, or `azure`), read once here. */
type BufferStorage =
  | { readonly kind: "local" }
  | { readonly kind: "azure"; readonly connectionString: string; readonly location: string }

export const DEFAULT_AZURE_LOCATION = "azure"

const readBufferStorage = (env: Environment["env"]): Pflag.Parsed<BufferStorage> => {
  const kind = env["TYGER_TS_BUFFER_STORAGE"] ?? ""
  if (kind === "" || kind === "local") return { ok: true, value: { kind: "local" } }
  if (kind !== "azure") {
    return { ok: false, error: `TYGER_TS_BUFFER_STORAGE must be 'local' or 'azure', not '${kind}'` }
  }
  const connectionString = env["AZURE_STORAGE_CONNECTION_STRING"] ?? ""
  if (connectionString === "") {
    return { ok: false, error: "TYGER_TS_BUFFER_STORAGE=azure needs AZURE_STORAGE_CONNECTION_STRING" }
  }
  const location = env["TYGER_TS_BUFFER_LOCATION"] ?? ""
  return { ok: true, value: { kind: "azure", connectionString, location: location === "" ? DEFAULT_AZURE_LOCATION : location } }
}

/**
 * How long a distributed run's job waits for its workers on Docker: `TYGER_TS_WORKER_READY_TIMEOUT`, a Go duration
 * (`90s`, `10m`); unset, the provider's default.
 */
const readWorkerReadyTimeout = (env: Environment["env"]): Pflag.Parsed<number | undefined> => {
  const value = env["TYGER_TS_WORKER_READY_TIMEOUT"] ?? ""
  if (value === "") return { ok: true, value: undefined }
  const parsed = GoDuration.parseDuration(value)
  if (Result.isFailure(parsed) || parsed.success <= 0n) {
    return { ok: false, error: `TYGER_TS_WORKER_READY_TIMEOUT must be a positive duration such as 90s or 10m, not '${value}'` }
  }
  return { ok: true, value: Number(parsed.success / 1_000_000n) }
}

// The Azure SDK is loaded only when it is used: it costs more start-up time than the rest of the CLI.
const blobStoreLayer = (storage: BufferStorage, config: Config): Layer.Layer<BlobStore, unknown> => {
  if (storage.kind === "azure") {
    const { connectionString, location } = storage
    return Layer.unwrap(Effect.map(
      Effect.promise(() => import("../engine/buffers/AzureBlobStore.ts")),
      (Azure) => Azure.layer({ connectionString, location })
    ))
  }
  return config.dataDir === undefined
    ? Layer.effect(BlobStore, Effect.fail(missingDataDir()))
    : LocalBlobStore.layer({ dataDir: config.dataDir })
}

const tagOf = (u: unknown): string | undefined =>
  typeof u === "object" && u !== null && "_tag" in u && typeof u._tag === "string" ? u._tag : undefined

interface FileProblem {
  readonly path: string
  readonly message: string
}

const located = (p: FileProblem) => (p.path === "" ? p.message : `${p.path}: ${p.message}`)

/** One line per problem, in Tyger's words where Tyger has them. */
export const errorLines = (error: unknown): ReadonlyArray<string> => {
  switch (tagOf(error)) {
    case "CliError":
      return (error as CliError).messages
    case "LoggedFatal":
      // Already reported as Tyger's `FTL` log line.
      return []
    case "BuffersError": {
      // Failures Tyger's CLI would get from its server print as `<code>: <message>`.
      const { code, message } = error as { readonly code: string | undefined; readonly message: string }
      return [code === undefined ? message : `${code}: ${message}`]
    }
    case "PlanCompileError":
      return (error as { readonly problems: ReadonlyArray<FileProblem> }).problems.map(located)
    case "TygerFileError": {
      const { reason, file, problems } = error as {
        readonly reason: string
        readonly file: string
        readonly problems: ReadonlyArray<FileProblem>
      }
      const verb = reason === "Unreadable" ? "read" : "parse"
      return problems.map((p) => `failed to ${verb} file ${file}: ${located(p)}`)
    }
  }
  if (typeof error === "object" && error !== null && "message" in error) {
    return [String((error as { readonly message: unknown }).message)]
  }
  return [String(error)]
}

const causeLines = (cause: Cause.Cause<unknown>): ReadonlyArray<string> => {
  const failure = Cause.findErrorOption(cause)
  if (Option.isSome(failure)) return errorLines(failure.value)
  if (Cause.hasInterruptsOnly(cause)) return ["interrupted"]
  return errorLines(Cause.squash(cause))
}

export const writeErrors = (stream: Writable, lines: ReadonlyArray<string>): void => {
  for (const line of lines) stream.write(`Error: ${line}\n`)
}

const execute = async <R>(
  program: Effect.Effect<void, unknown, R>,
  services: Layer.Layer<R, unknown>,
  environment: Environment,
  config: Config
): Promise<number> => {
  const runtime = ManagedRuntime.make(services)
  try {
    const dataDir = config.dataDir ?? "(none)"
    const exit = await runtime.runPromiseExit(Effect.logDebug(`data directory: ${dataDir}`).pipe(Effect.andThen(program)))
    if (Exit.isSuccess(exit)) return 0
    writeErrors(environment.stderr, causeLines(exit.cause))
    return 1
  } finally {
    await runtime.dispose()
  }
}

/** Runs one command's program; resolves with the process exit code (0 or 1, as Tyger). */
export const run = async (
  program: Effect.Effect<void, unknown, Services>,
  environment: Environment,
  globals: GlobalOptions
): Promise<number> => {
  const config = readConfig(environment, globals)
  if (!config.ok) {
    writeErrors(environment.stderr, [config.error])
    return 1
  }
  return execute(program, layer(config.value, environment, storeLayer(config.value)), environment, config.value)
}

/** The configuration and buffer storage that buffer and run commands read from flags and env. */
const readBufferSettings = (
  environment: Environment,
  globals: GlobalOptions
): Pflag.Parsed<{ readonly config: Config; readonly storage: BufferStorage }> => {
  const config = readConfig(environment, globals)
  if (!config.ok) return config
  const storage = readBufferStorage(environment.env)
  return storage.ok ? { ok: true, value: { config: config.value, storage: storage.value } } : storage
}

const buffersLayer = (storage: BufferStorage, config: Config, store: ReturnType<typeof storeLayer>) =>
  Buffers.layer.pipe(Layer.provide(blobStoreLayer(storage, config)), Layer.provide(store))

/**
 * {@link run} with the buffer services. Only buffer commands build them, so a misconfigured buffer backend never
 * gets in the way of the others.
 */
export const runWithBuffers = async (
  program: Effect.Effect<void, unknown, BufferServices>,
  environment: Environment,
  globals: GlobalOptions
): Promise<number> => {
  const settings = readBufferSettings(environment, globals)
  if (!settings.ok) {
    writeErrors(environment.stderr, [settings.error])
    return 1
  }
  const { config, storage } = settings.value
  // One Store layer for both: layers are shared by reference, so the database is opened once.
  const store = storeLayer(config)
  const buffers = buffersLayer(storage, config, store)
  return execute(program, Layer.merge(layer(config, environment, store), buffers), environment, config)
}

/**
 * {@link run} with the buffer services and the runs engine: Store, blob store, Buffers, the Docker engine client
 * (`DOCKER_HOST`, read here once), the Docker provider, the log archive and a monitor launcher. Only run commands
 * build them, and the provider's modules are loaded only then.
 */
export const runWithRuns = async (
  program: Effect.Effect<void, unknown, RunServices>,
  environment: Environment,
  globals: GlobalOptions,
  monitors: MonitorMode
): Promise<number> => {
  const settings = readBufferSettings(environment, globals)
  const workerReadyTimeout = settings.ok ? readWorkerReadyTimeout(environment.env) : settings
  if (!settings.ok || !workerReadyTimeout.ok) {
    writeErrors(environment.stderr, [!settings.ok ? settings.error : !workerReadyTimeout.ok ? workerReadyTimeout.error : ""])
    return 1
  }
  const { config, storage } = settings.value
  const dataDir = config.dataDir
  if (dataDir === undefined) {
    writeErrors(environment.stderr, missingDataDir().messages)
    return 1
  }
  const [RunsModule, RunLogArchive, MonitorLauncher, DockerClient, DockerProvider, MonitorProcess] = await Promise.all([
    import("../engine/runs/Runs.ts"),
    import("../engine/runs/RunLogArchive.ts"),
    import("../engine/runs/MonitorLauncher.ts"),
    import("../providers/docker/DockerClient.ts"),
    import("../providers/docker/DockerProvider.ts"),
    import("./MonitorProcess.ts")
  ])
  const store = storeLayer(config)
  const buffers = buffersLayer(storage, config, store)
  const docker = DockerClient.DockerClient.layer({ host: environment.env["DOCKER_HOST"] })
  const provider = DockerProvider.layer({
    dataDir,
    ...(workerReadyTimeout.value === undefined ? {} : { workerReadyTimeout: workerReadyTimeout.value })
  }).pipe(Layer.provide(docker), Layer.provide(buffers))
  const launcher = monitors === "detached"
    ? MonitorProcess.layer({ dataDir, env: environment.env })
    : MonitorLauncher.MonitorLauncher.inProcess
  const runs = RunsModule.Runs.layer.pipe(
    Layer.provide(provider),
    Layer.provide(launcher),
    Layer.provide(RunLogArchive.RunLogArchive.layer({ dataDir })),
    Layer.provide(buffers),
    Layer.provide(store)
  )
  const services = Layer.mergeAll(layer(config, environment, store), buffers, runs)
  return execute(program, services, environment, config)
}
