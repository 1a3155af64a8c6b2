// The engine as the CLI composes it for local runs (Store, local buffers, Docker provider, in-process monitors), for
// benchmarks that drive `Runs` directly.
import { Layer, ManagedRuntime } from "effect"
import process from "node:process"
import { Buffers } from "../engine/buffers/Buffers.ts"
import * as LocalBlobStore from "../engine/buffers/LocalBlobStore.ts"
import { MonitorLauncher } from "../engine/runs/MonitorLauncher.ts"
import { RunLogArchive } from "../engine/runs/RunLogArchive.ts"
import { Runs } from "../engine/runs/Runs.ts"
import { Store } from "../engine/store/Store.ts"
import { DockerClient } from "../providers/docker/DockerClient.ts"
import * as DockerProvider from "../providers/docker/DockerProvider.ts"

/** Every container the benchmarks create carries `tyger-bench=1`, so a crashed benchmark's leftovers can be found. */
export const localEngine = (dataDir: string) => {
  const store = Store.layer({ dataDir })
  const buffers = Buffers.layer.pipe(Layer.provideMerge(LocalBlobStore.layer({ dataDir })), Layer.provideMerge(store))
  const provider = DockerProvider.layer({ dataDir, labels: { "tyger-bench": "1" } }).pipe(
    Layer.provideMerge(DockerClient.layer({ host: process.env["DOCKER_HOST"] })),
    Layer.provideMerge(buffers)
  )
  return ManagedRuntime.make(Runs.layer.pipe(
    Layer.provideMerge(provider),
    Layer.provideMerge(MonitorLauncher.inProcess),
    Layer.provideMerge(RunLogArchive.layer({ dataDir }))
  ))
}
