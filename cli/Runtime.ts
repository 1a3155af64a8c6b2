import { Effect, Exit, Layer, ManagedRuntime, Result } from "effect"
import type { Writable } from "node:stream"
import * as DataDir from "../engine/store/DataDir.ts"
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
    const shared = config.dataDir === undefined ? undefined : DataDir.sharedWarning(config.dataDir)
    const exit = await runtime.runPromiseExit(Effect.logDebug(`data directory: ${dataDir}`).pipe(
      Effect.andThen(shared === undefined ? Effect.void : Effect.logWarning(shared)),
      Effect.andThen(program)
    ))
    if (Exit.isSuccess(exit)) return 0
    const Errors = await import("./Errors.ts")
    Errors.writeErrors(environment.stderr, Errors.causeLines(exit.cause))
    return 1
  } finally {
    await runtime.dispose()
  }
}

/**
 * What a program needs besides what every command has (Layers.Services): the buffer services, or those and the runs
 * engine with a monitor mode. Only what is needed is read and built, so that a misconfigured buffer backend never
 * gets in the way of the commands that do not use it, and the provider's modules are loaded only for run commands.
 */
export type Needs = { readonly buffers: true; readonly monitors?: MonitorMode }

/** Runs one command's program; resolves with the process exit code (0 or 1, as Tyger). */
export async function run(program: Effect.Effect<void, unknown, Services>, environment: Environment, globals: GlobalOptions): Promise<number>
export async function run(
  program: Effect.Effect<void, unknown, BufferServices>,
  environment: Environment,
  globals: GlobalOptions,
  needs: { readonly buffers: true }
): Promise<number>
export async function run(
  program: Effect.Effect<void, unknown, RunServices>,
  environment: Environment,
  globals: GlobalOptions,
  needs: { readonly buffers: true; readonly monitors: MonitorMode }
): Promise<number>
export async function run(
  program: Effect.Effect<void, unknown, RunServices>,
  environment: Environment,
  globals: GlobalOptions,
  needs?: Needs
): Promise<number> {
  if (needs === undefined) {
    const config = readConfig(environment, globals)
    if (Result.isFailure(config)) return failed(environment.stderr, [config.failure])
    return execute(program as Effect.Effect<void, unknown, Services>, layer(config.success, environment, storeLayer(config.success)), environment, config.success)
  }
  const settings = readBufferSettings(environment, globals)
  if (Result.isFailure(settings)) return failed(environment.stderr, [settings.failure])
  const { config, storage } = settings.success
  // One Store layer for all: layers are shared by reference, so the database is opened once.
  const store = storeLayer(config)
  const buffers = buffersLayer(storage, config, store)
  const common = Layer.merge(layer(config, environment, store), buffers)
  if (needs.monitors === undefined) return execute(program as Effect.Effect<void, unknown, BufferServices>, common, environment, config)
  const workerReadyTimeout = readWorkerReadyTimeout(environment.env)
  if (Result.isFailure(workerReadyTimeout)) return failed(environment.stderr, [workerReadyTimeout.failure])
  const dataDir = config.dataDir
  if (dataDir === undefined) return failed(environment.stderr, missingDataDir().messages)
  const runs = await runsLayer({
    dataDir,
    env: environment.env,
    workerReadyTimeout: workerReadyTimeout.success,
    monitors: needs.monitors,
    store,
    buffers
  })
  return execute(program, Layer.merge(common, runs), environment, config)
}
