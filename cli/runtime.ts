import * as NodeServices from "@effect/platform-node/NodeServices"
import { Cause, Effect, Exit, Layer, ManagedRuntime, Option } from "effect"
import * as Path from "node:path"
import type { Writable } from "node:stream"
import type { CodespecCatalog } from "../engine/CodespecCatalog.ts"
import * as DataDir from "../engine/DataDir.ts"
import { Store } from "../engine/Store.ts"
import * as StoreCodespecCatalog from "../engine/StoreCodespecCatalog.ts"
import { CliError } from "./CliError.ts"
import { CliIo } from "./CliIo.ts"
import * as Logging from "./Logging.ts"
import * as Pflag from "./pflag.ts"

/**
 * The composition root of every command: configuration is read here once (flags, then the environment), turned into
 * layers, and the command's program runs on a ManagedRuntime built from them. Failures become `Error: ...` lines.
 */
export type Services = NodeServices.NodeServices | Store | CodespecCatalog | CliIo

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

const layer = (config: Config, environment: Environment) => {
  const store: Layer.Layer<Store, unknown> = config.dataDir === undefined
    ? Layer.effect(Store, Effect.fail(new CliError({
      reason: "Configuration",
      messages: ["cannot determine the data directory: set TYGER_TS_DATA_DIR or HOME, or pass --data-dir"]
    })))
    : Store.layer({ dataDir: config.dataDir })
  return Layer.mergeAll(
    NodeServices.layer,
    StoreCodespecCatalog.layer.pipe(Layer.provideMerge(store)),
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
  const runtime = ManagedRuntime.make(layer(config.value, environment))
  try {
    const dataDir = config.value.dataDir ?? "(none)"
    const exit = await runtime.runPromiseExit(Effect.logDebug(`data directory: ${dataDir}`).pipe(Effect.andThen(program)))
    if (Exit.isSuccess(exit)) return 0
    writeErrors(environment.stderr, causeLines(exit.cause))
    return 1
  } finally {
    await runtime.dispose()
  }
}
