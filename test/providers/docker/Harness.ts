// Layers for the Docker provider tests: a real Store, local blob store, Docker engine and in-process monitors, in a
// fresh data directory, with this test file's session labels on every container.
import { type Duration, Effect, Layer, ManagedRuntime, Stream } from "effect"
import type { ChildProcess } from "node:child_process"
import process from "node:process"
import { fileURLToPath } from "node:url"
import * as BufferReader from "../../../engine/buffers/BufferReader.ts"
import { Buffers } from "../../../engine/buffers/Buffers.ts"
import * as BufferWriter from "../../../engine/buffers/BufferWriter.ts"
import * as LocalBlobStore from "../../../engine/buffers/LocalBlobStore.ts"
import { MonitorLauncher } from "../../../engine/runs/MonitorLauncher.ts"
import { RunLogArchive } from "../../../engine/runs/RunLogArchive.ts"
import type { RunRecord } from "../../../engine/store/RunRecord.ts"
import { type CreateOptions, Runs } from "../../../engine/runs/Runs.ts"
import type * as Run from "../../../dsl/Run.ts"
import { Store } from "../../../engine/store/Store.ts"
import { DockerClient } from "../../../providers/docker/DockerClient.ts"
import * as DockerProvider from "../../../providers/docker/DockerProvider.ts"
import { Provider } from "../../../engine/runs/Provider.ts"
import { spawnScript } from "../../support/Children.ts"

const monitorFixture = fileURLToPath(new URL("./fixtures/monitor.ts", (import.meta as { readonly url: string }).url))

export type Services = Runs | Store | Buffers | Provider | DockerClient | RunLogArchive

/** Provider options a test may set besides the data directory and labels. */
export interface ProviderOptions {
  readonly workerReadyTimeout?: Duration.Input
}

export const layer = (
  dataDir: string,
  labels: { readonly [key: string]: string },
  launcher: Layer.Layer<MonitorLauncher> = MonitorLauncher.inProcess,
  options: ProviderOptions = {}
) => {
  const store = Store.layer({ dataDir })
  const buffers = Buffers.layer.pipe(Layer.provideMerge(LocalBlobStore.layer({ dataDir })), Layer.provideMerge(store))
  const docker = DockerClient.layer({ host: process.env["DOCKER_HOST"] })
  const provider = DockerProvider.layer({ dataDir, labels, ...options }).pipe(Layer.provideMerge(docker), Layer.provideMerge(buffers))
  return Runs.layer.pipe(
    Layer.provideMerge(provider),
    Layer.provideMerge(launcher),
    Layer.provideMerge(RunLogArchive.layer({ dataDir }))
  )
}

export interface DetachedMonitor {
  readonly child: ChildProcess
  /** Resolves once the monitor says it has claimed its run. */
  readonly claimed: Promise<void>
}

/**
 * A launcher that starts each run's monitor as a process of its own (fixtures/monitor.ts, under this test's runtime),
 * as the CLI's detached launcher does, so that a test can kill one; `monitors` lists them in launch order.
 */
const detachedMonitors = (dataDir: string, labels: { readonly [key: string]: string }) => {
  const monitors: Array<DetachedMonitor> = []
  const launcher = Layer.succeed(MonitorLauncher, MonitorLauncher.of({
    launch: (runId) =>
      Effect.sync(() => {
        const child = spawnScript(monitorFixture, [dataDir, String(runId), JSON.stringify(labels)], ["ignore", "pipe", "inherit"])
        const claimed = new Promise<void>((resolve, reject) => {
          child.stdout!.setEncoding("utf8").on("data", (chunk: string) => chunk.includes("monitoring") && resolve())
          child.once("exit", (code, signal) => reject(new Error(`monitor exited early: ${code ?? signal}`)))
        })
        monitors.push({ child, claimed })
      })
  }))
  return { launcher, monitors }
}

export const runtime = (
  dataDir: string,
  labels: { readonly [key: string]: string },
  launcher?: Layer.Layer<MonitorLauncher>,
  options?: ProviderOptions
) => ManagedRuntime.make(layer(dataDir, labels, launcher, options))

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export const writeText = (id: string, text: string) =>
  Effect.gen(function*() {
    const buffers = yield* Buffers
    const container = yield* buffers.open({ _tag: "BufferId", id }, "write")
    yield* buffers.write(container, BufferWriter.fromIterable([encoder.encode(text)]))
  })

export const readText = (id: string) =>
  Effect.gen(function*() {
    const buffers = yield* Buffers
    const container = yield* buffers.open({ _tag: "BufferId", id }, "read")
    const sink = BufferReader.collect()
    yield* buffers.read(container, sink)
    return decoder.decode(sink.bytes())
  })

/** The run once it is terminal and finalised (logs archived, containers removed). */
export const settled = (id: number) =>
  Effect.gen(function*() {
    const runs = yield* Runs
    for (;;) {
      const run = yield* runs.get(id)
      if (run.final) return run
      yield* Effect.sleep("100 millis")
    }
  })

/** Creates the run and waits until it is final. */
export const createSettled = (spec: Run.Any, options?: CreateOptions) =>
  Effect.gen(function*() {
    const created = yield* (yield* Runs).create(spec, options)
    return { created, done: yield* settled(created.id) }
  })

export const buffersOf = (run: RunRecord) => (run.document["job"] as { buffers: Record<string, string> }).buffers

export const logText = (id: number, options: { readonly since?: number; readonly tail?: number } = {}) =>
  Effect.gen(function*() {
    const runs = yield* Runs
    const lines = yield* Stream.runCollect(runs.logs(id, { follow: false, ...options }))
    return Array.from(lines).map((l) => l.text)
  })

/**
 * A runtime whose monitors are processes of their own (see {@link detachedMonitors}), listed in `monitors` in launch
 * order so that a test can kill one; `dispose` kills those still running, then disposes the runtime.
 */
export const detachedRuntime = (dataDir: string, labels: { readonly [key: string]: string }) => {
  const { launcher, monitors } = detachedMonitors(dataDir, labels)
  const rt = runtime(dataDir, labels, launcher)
  const dispose = async () => {
    for (const { child } of monitors) child.kill("SIGKILL")
    await rt.dispose()
  }
  return { runtime: rt, monitors, dispose }
}
