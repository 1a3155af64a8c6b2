import { Effect, Exit, Layer, ManagedRuntime, Result } from "effect"
import type { Writable } from "node:stream"
import {
  type Config,
  type Environment,
  type GlobalOptions,
  missingDataDir,
  readBufferSettings,
  readConfig,
  readWorkerReadyTimeout
} from "./Configuration.ts"
import {
  type BufferServices,
  buffersLayer,
  layer,
  type MonitorMode,
  type RunServices,
  runsLayer,
  type Services,
  storeLayer
} from "./Layers.ts"

/**
 * The composition root of every command: its configuration is read once (Configuration.ts), turned into layers
 * (Layers.ts), and the command's program runs on a ManagedRuntime built from them. Failures become `Error: ...` lines
 * (Errors.ts, loaded only then).
 */
export type { BufferServices, Environment, GlobalOptions, MonitorMode, RunServices, Services }

/** Prints `lines` as the command's errors; resolves with the exit code of a failed command. */
const failed = async (stream: Writable, lines: ReadonlyArray<string>): Promise<number> => {
  const Errors = await import("./Errors.ts")
  Errors.writeErrors(stream, lines)
  return 1
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
    const Errors = await import("./Errors.ts")
    Errors.writeErrors(environment.stderr, Errors.causeLines(exit.cause))
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
  if (Result.isFailure(config)) return failed(environment.stderr, [config.failure])
  return execute(program, layer(config.success, environment, storeLayer(config.success)), environment, config.success)
}

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
  if (Result.isFailure(settings)) return failed(environment.stderr, [settings.failure])
  const { config, storage } = settings.success
  // One Store layer for both: layers are shared by reference, so the database is opened once.
  const store = storeLayer(config)
  const buffers = buffersLayer(storage, config, store)
  return execute(program, Layer.merge(layer(config, environment, store), buffers), environment, config)
}

/**
 * {@link run} with the buffer services and the runs engine (see Layers.runsLayer). Only run commands build them, and
 * the provider's modules are loaded only then.
 */
export const runWithRuns = async (
  program: Effect.Effect<void, unknown, RunServices>,
  environment: Environment,
  globals: GlobalOptions,
  monitors: MonitorMode
): Promise<number> => {
  const settings = readBufferSettings(environment, globals)
  if (Result.isFailure(settings)) return failed(environment.stderr, [settings.failure])
  const workerReadyTimeout = readWorkerReadyTimeout(environment.env)
  if (Result.isFailure(workerReadyTimeout)) return failed(environment.stderr, [workerReadyTimeout.failure])
  const { config, storage } = settings.success
  const dataDir = config.dataDir
  if (dataDir === undefined) return failed(environment.stderr, missingDataDir().messages)
  const store = storeLayer(config)
  const buffers = buffersLayer(storage, config, store)
  const runs = await runsLayer({
    dataDir,
    env: environment.env,
    workerReadyTimeout: workerReadyTimeout.success,
    monitors,
    store,
    buffers
  })
  return execute(program, Layer.mergeAll(layer(config, environment, store), buffers, runs), environment, config)
}
