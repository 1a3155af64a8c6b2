import { Effect } from "effect"
import * as Path from "node:path"
import { Latch } from "../../../engine/pipes/Latch.ts"
import * as DataDir from "../../../engine/store/DataDir.ts"
import { opener } from "./AccessUrl.ts"
import { input, output, type Stopping } from "./FifoTransfers.ts"
import { type Env, watchPod, watchTombstone } from "./MainWatch.ts"
import { invalidArguments } from "./SidecarError.ts"
import { socketAdapt } from "./SocketAdapt.ts"

/**
 * The buffer sidecar, Tyger's buffer-sidecar: the helper containers of a Kubernetes job pod run it as
 * `tyger buffer sidecar input|output|socket` (argv fixed in ../Contract.ts) from this package's image. `input` reads a
 * buffer into the FIFO `main` reads, `output` writes what `main` writes into its FIFO to a buffer (FifoTransfers.ts),
 * `socket` pumps FIFOs through `main`'s TCP port (SocketAdapt.ts). The buffer comes from the access URL in
 * `--url-file` (AccessUrl.ts); "main is gone" from a tombstone file or the pod's status (MainWatch.ts). Failures are
 * SidecarErrors, which the CLI reports as Tyger does.
 */

// The flags as given; `dataDir` is `--data-dir` (file:// URLs are verified with that data directory's key).
export type SidecarArgs =
  & { readonly [Flag in "urlFile" | "pipe" | "namespace" | "pod" | "container" | "tombstone"]: string | undefined }
  & { readonly [Flag in "address" | "input" | "output" | "dataDir"]: string | undefined }
  & {
    readonly positionals: ReadonlyArray<string>
    readonly env: Env
    readonly cwd: string
  }

const DIRECTIONS = ["input", "output", "socket"] as const

/** Runs the sidecar `args` ask for; `stopping` succeeds when the pod is stopping (SIGTERM), which cancels a transfer. */
export const run = Effect.fn("BufferSidecar.run")(function*(args: SidecarArgs, stopping: Stopping) {
  const [direction, ...extra] = args.positionals
  if (direction === undefined || extra.length > 0 || !DIRECTIONS.some((d) => d === direction)) {
    return yield* invalidArguments(`expected one of ${DIRECTIONS.join(", ")}, got [${args.positionals.join(" ")}]`)
  }
  // An empty flag is an absent one (cobra's string flags default to "").
  const path = (file: string | undefined) => (file === undefined || file === "" ? undefined : Path.resolve(args.cwd, file))
  if (direction === "socket") {
    if (path(args.address) === undefined) return yield* invalidArguments(`required flag(s) "address" not set`)
    return yield* socketAdapt(args.address!, path(args.input), path(args.output))
  }
  const [urlFile, pipe, tombstone] = [path(args.urlFile), path(args.pipe), path(args.tombstone)]
  const missing = [["pipe", pipe], ["url-file", urlFile]].filter(([, v]) => v === undefined).map(([name]) => `"${name}"`)
  if (missing.length > 0) return yield* invalidArguments(`required flag(s) ${missing.join(", ")} not set`)
  const k8s = [["namespace", args.namespace], ["pod", args.pod], ["container", args.container]] as const
  const unset = k8s.filter(([, v]) => v === undefined || v === "").map(([name]) => name)
  if (unset.length > 0 && unset.length < k8s.length) {
    return yield* invalidArguments(
      `if any flags in the group [namespace pod container] are set they must all be set; missing [${unset.join(" ")}]`
    )
  }
  if (unset.length === 0 && tombstone !== undefined) {
    return yield* invalidArguments("--tombstone cannot be combined with --namespace, --pod and --container")
  }
  const gone = new Latch()
  const watch = tombstone !== undefined
    ? watchTombstone(tombstone)
    : unset.length === 0
    ? watchPod(args.env, args.namespace!, args.pod!, args.container!)
    : Effect.never
  yield* Effect.forkScoped(Effect.andThen(watch, Effect.sync(() => gone.open())))
  const open = opener(path(args.dataDir) ?? path(DataDir.resolveDataDir(args.env)), args.env, direction === "input" ? "read" : "write")
  yield* (direction === "input" ? input : output)(urlFile!, pipe!, open, gone, stopping)
}, Effect.scoped)
