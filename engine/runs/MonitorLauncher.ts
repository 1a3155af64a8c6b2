import { Context, Effect, Layer } from "effect"

/**
 * Starts a run's monitor. Tyger-ts has no daemon: each run is supervised by its own monitor, either a detached
 * process (what `tyger run create` uses, so the run outlives the command) or a fiber of the current process (what
 * `tyger run exec` and library users waiting for the run may use). The detached launcher lives at the composition
 * root, which knows how to start `tyger` itself.
 */
export class MonitorLauncher extends Context.Service<MonitorLauncher, {
  /** `monitor` is the monitor itself, for launchers that run it in this process. */
  readonly launch: (runId: number, monitor: Effect.Effect<void>) => Effect.Effect<void>
}>()("tyger-ts/engine/MonitorLauncher") {
  /** Runs monitors as daemon fibers of this process: they end when the process does. */
  static readonly inProcess: Layer.Layer<MonitorLauncher> = Layer.succeed(MonitorLauncher, MonitorLauncher.of({
    launch: (_runId, monitor) => Effect.asVoid(Effect.forkDetach(monitor))
  }))
}

/**
 * Environment for a process that hosts monitors (a detached `tyger run monitor <id>`, or `tyger run exec`), set before
 * the process starts (libuv reads it once, at the first use of its threadpool). A monitor's pipe transfers block a
 * pool thread while the program is slower than the pump, and Node's and Bun's default of four threads would then
 * leave none for the buffer store's file I/O.
 */
export const MONITOR_PROCESS_ENV: { readonly [name: string]: string } = { UV_THREADPOOL_SIZE: "16" }
