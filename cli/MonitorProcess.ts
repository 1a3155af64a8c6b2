import { Effect, Layer } from "effect"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import { MONITOR_PROCESS_ENV, MonitorLauncher } from "../engine/runs/MonitorLauncher.ts"

/**
 * The detached run monitor of `tyger run create`: the run must outlive the command, and tyger-ts has no daemon, so
 * each run gets its own `tyger run monitor <id>` process, started on the runtime running this CLI, in its own
 * process group (a Ctrl-C in the user's shell does not reach it), with stdout and stderr in a log file.
 */

// Deno's type checker, driven by this tsconfig, does not see @types/node's ImportMeta; every runtime sets `url`.
const here = (import.meta as { readonly url: string }).url
const entry = fileURLToPath(new URL("./bin.mjs", here))

/**
 * Where a monitor writes what it logs: `<dataDir>/monitors/<id>.log`. Not under `<dataDir>/runs/<id>/`: the Docker
 * provider creates that directory itself (and refuses an existing one) and removes it when the run is finalised.
 */
export const logFile = (dataDir: string, runId: number): string => Path.join(dataDir, "monitors", `${runId}.log`)

// Node flags that make the entry loadable (the type-stripping hook bin/tyger adds under node_modules) travel along;
// the rest (a test runner's, an inspector's) must not.
const KEPT_FLAGS = /^--(import|require|experimental-[\w-]+|disable-warning|no-warnings|conditions)(=|$)/
const TAKES_VALUE = new Set(["--import", "--require", "--disable-warning", "--conditions"])

const nodeFlags = (execArgv: ReadonlyArray<string>): Array<string> => {
  const kept: Array<string> = []
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!
    if (!KEPT_FLAGS.test(flag)) continue
    kept.push(flag)
    if (TAKES_VALUE.has(flag) && execArgv[i + 1] !== undefined) kept.push(execArgv[++i]!)
  }
  if (!kept.some((f) => f.startsWith("--disable-warning") || f === "--no-warnings")) {
    kept.unshift("--disable-warning=ExperimentalWarning")
  }
  return kept
}

/** The argv (executable first) that runs `tyger <args>` on the current runtime. */
export const commandLine = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const g = globalThis as { readonly Bun?: unknown; readonly Deno?: unknown }
  if (g.Bun !== undefined) return [process.execPath, entry, ...args]
  if (g.Deno !== undefined) return [process.execPath, "run", "-A", entry, ...args]
  return [process.execPath, ...nodeFlags(process.execArgv), entry, ...args]
}

export interface Options {
  readonly dataDir: string
  /** The environment the monitor runs with: the CLI's, so it finds the same Docker engine and buffer storage. */
  readonly env: Readonly<Record<string, string | undefined>>
}

const start = (options: Options, runId: number): void => {
  const file = logFile(options.dataDir, runId)
  Fs.mkdirSync(Path.dirname(file), { recursive: true, mode: 0o700 })
  const log = Fs.openSync(file, "a", 0o600)
  try {
    const [executable, ...args] = commandLine(["run", "monitor", String(runId), "--data-dir", options.dataDir])
    const child = spawn(executable!, args, {
      detached: true,
      stdio: ["ignore", log, log],
      // The engine's settings for a process hosting a monitor, unless the caller's environment chose otherwise.
      env: {
        ...MONITOR_PROCESS_ENV,
        ...Object.fromEntries(Object.entries(options.env).filter(([, v]) => v !== undefined)) as Record<string, string>
      },
      cwd: options.dataDir
    })
    // A monitor that cannot start leaves its run Pending; whoever reads the run next fails it (RunMonitor.reconcile).
    child.on("error", (error) => Fs.appendFileSync(file, `cannot start the monitor of run ${runId}: ${error.message}\n`))
    child.unref()
  } finally {
    Fs.closeSync(log)
  }
}

export const layer = (options: Options): Layer.Layer<MonitorLauncher> =>
  Layer.succeed(MonitorLauncher, MonitorLauncher.of({
    launch: (runId) =>
      Effect.try({
        try: () => start(options, runId),
        catch: (error) => (error instanceof Error ? error.message : String(error))
      }).pipe(
        Effect.catch((message) =>
          Effect.logError(`cannot start the monitor of run ${runId}`).pipe(Effect.annotateLogs("error", message))
        )
      )
  }))
