import { Result } from "effect"
import * as Path from "node:path"
import type { Writable } from "node:stream"
import * as GoDuration from "../model/GoDuration.ts"
import * as DataDir from "../engine/store/DataDir.ts"
import { CliError } from "./CliError.ts"
import * as Logging from "./Logging.ts"
import * as Pflag from "./Pflag.ts"
import { isTerminal } from "./output/Progress.ts"

/**
 * What a command's runtime is configured from, read once: the persistent flags, then the environment. A value that
 * does not parse is cobra's (or tyger-ts's) message, which the runtime prints as an `Error:` line.
 */
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

export interface Config {
  readonly logLevel: Logging.Level
  readonly logFormat: Logging.Format
  readonly dataDir: string | undefined
  readonly colors: boolean
}


export const readConfig = (environment: Environment, globals: GlobalOptions): Pflag.Parsed<Config> => {
  const logLevel = Pflag.enumValue(Pflag.flagLabel("log-level"), globals.logLevel ?? "info", Logging.LEVELS)
  if (Result.isFailure(logLevel)) return Result.fail(logLevel.failure)
  const logFormat = Pflag.enumValue(Pflag.flagLabel("log-format"), globals.logFormat ?? "", Logging.FORMATS)
  if (Result.isFailure(logFormat)) return Result.fail(logFormat.failure)
  const { env, cwd } = environment
  const given = globals.dataDir !== undefined && globals.dataDir !== "" ? globals.dataDir : DataDir.resolveDataDir(env)
  const dataDir = given === undefined ? undefined : Path.resolve(cwd, given)
  const unusable = dataDir === undefined ? undefined : DataDir.unusable(dataDir)
  if (unusable !== undefined) return Result.fail(unusable)
  return Result.succeed({
    logLevel: logLevel.success,
    logFormat: logFormat.success,
    dataDir,
    colors: isTerminal(environment.stdout) && (env["NO_COLOR"] ?? "") === "" && env["TERM"] !== "dumb"
  })
}

export const missingDataDir = () =>
  new CliError({
    reason: "Configuration",
    messages: ["cannot determine the data directory: set TYGER_TS_DATA_DIR or HOME, or pass --data-dir"]
  })

/** Where buffer data lives: `TYGER_TS_BUFFER_STORAGE` (`local`, the default, or `azure`). */
export type BufferStorage =
  | { readonly kind: "local" }
  | { readonly kind: "azure"; readonly connectionString: string; readonly location: string }

export const DEFAULT_AZURE_LOCATION = "azure"

const readBufferStorage = (env: Environment["env"]): Pflag.Parsed<BufferStorage> => {
  const kind = env["TYGER_TS_BUFFER_STORAGE"] ?? ""
  if (kind === "" || kind === "local") return Result.succeed({ kind: "local" })
  if (kind !== "azure") return Result.fail(`TYGER_TS_BUFFER_STORAGE must be 'local' or 'azure', not '${kind}'`)
  const connectionString = env["AZURE_STORAGE_CONNECTION_STRING"] ?? ""
  if (connectionString === "") return Result.fail("TYGER_TS_BUFFER_STORAGE=azure needs AZURE_STORAGE_CONNECTION_STRING")
  const location = env["TYGER_TS_BUFFER_LOCATION"] ?? ""
  return Result.succeed({ kind: "azure", connectionString, location: location === "" ? DEFAULT_AZURE_LOCATION : location })
}

/**
 * How long a distributed run's job waits for its workers on Docker: `TYGER_TS_WORKER_READY_TIMEOUT`, a Go duration
 * (`90s`, `10m`), in milliseconds; unset, the provider's default.
 */
export const readWorkerReadyTimeout = (env: Environment["env"]): Pflag.Parsed<number | undefined> => {
  const value = env["TYGER_TS_WORKER_READY_TIMEOUT"] ?? ""
  if (value === "") return Result.succeed(undefined)
  const parsed = GoDuration.parseDuration(value)
  if (Result.isFailure(parsed) || parsed.success <= 0n) {
    return Result.fail(`TYGER_TS_WORKER_READY_TIMEOUT must be a positive duration such as 90s or 10m, not '${value}'`)
  }
  return Result.succeed(Number(parsed.success / 1_000_000n))
}

/** The configuration and buffer storage that buffer and run commands read from flags and env. */
export const readBufferSettings = (
  environment: Environment,
  globals: GlobalOptions
): Pflag.Parsed<{ readonly config: Config; readonly storage: BufferStorage }> => {
  const config = readConfig(environment, globals)
  if (Result.isFailure(config)) return Result.fail(config.failure)
  const storage = readBufferStorage(environment.env)
  return Result.map(storage, (storage) => ({ config: config.success, storage }))
}
