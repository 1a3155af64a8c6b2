// The engine as the CLI composes it for local runs (Store, local buffers, Docker provider, in-process monitors), for
// benchmarks that drive `Runs` directly.
import { ManagedRuntime } from "effect"
import process from "node:process"
import * as LocalEngine from "../providers/docker/LocalEngine.ts"

/** Every container the benchmarks create carries `tyger-bench=1`, so a crashed benchmark's leftovers can be found. */
export const localEngine = (dataDir: string) =>
  ManagedRuntime.make(LocalEngine.layer({ dataDir, dockerHost: process.env["DOCKER_HOST"], labels: { "tyger-bench": "1" } }))
