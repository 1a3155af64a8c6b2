import { Effect, Fiber } from "effect"
import * as Fs from "node:fs"
import { Runs } from "../../engine/runs/Runs.ts"
import * as MonitorProcess from "../MonitorProcess.ts"
import { interrupted } from "../buffer/Signals.ts"
import { runIdArg, tygerErrors } from "./RunArgs.ts"
import type { Flags } from "../BaseCommand.ts"
import type { RunMonitorCommand } from "./monitor.ts"

const removeIfEmpty = (file: string): void => {
  try {
    if (Fs.statSync(file).size === 0) Fs.rmSync(file)
  } catch {
    // Not started by `run create` (no log file), or already gone.
  }
}

/**
 * `tyger run monitor ID` (hidden): supervises one run to its end; `run create` starts it detached. SIGTERM or SIGINT
 * interrupts the monitor, which stops the run and finalises it rather than leaving it without a supervisor.
 */
export const monitor = Effect.fn("run.monitor")(function*(
  flags: Flags<RunMonitorCommand>,
  /** `--data-dir` as the launcher passes it (absolute), to find the monitor's log file. */
  dataDir: string | undefined
) {
  const id = yield* runIdArg("run ID", flags.positionals)
  const runs = yield* Runs
  const fiber = yield* Effect.forkChild(tygerErrors(runs.monitor(id)))
  const signals = yield* Effect.forkChild(interrupted.pipe(Effect.andThen(Fiber.interrupt(fiber))))
  yield* Effect.ensuring(Fiber.join(fiber), Fiber.interrupt(signals))
  // Nothing went wrong, nothing to keep: a monitor's log only matters when it says something.
  if (dataDir !== undefined) yield* Effect.sync(() => removeIfEmpty(MonitorProcess.logFile(dataDir, id)))
})
