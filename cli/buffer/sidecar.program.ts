import { Effect } from "effect"
import * as BufferSidecar from "../../providers/kubernetes/sidecar/BufferSidecar.ts"
import type { Flags } from "../BaseCommand.ts"
import { type CliError, invalidArguments } from "../CliError.ts"
import type { LoggedFatal } from "../output/Fatal.ts"
import { interrupted } from "./Signals.ts"
import type { BufferSidecarCommand } from "./sidecar.ts"
import { fatalWith } from "./Transfer.ts"

/**
 * `tyger buffer sidecar input|output|socket`: the Kubernetes provider's buffer sidecar
 * (providers/kubernetes/sidecar/BufferSidecar.ts), stopped by SIGTERM/SIGINT, its failures reported as Tyger's
 * buffer-sidecar reports them: argument errors as `Error:` lines, the others as one FTL log line (exit code 1 both).
 */
export const sidecar = Effect.fn("buffer.sidecar")(function*(
  flags: Flags<BufferSidecarCommand>,
  where: Pick<BufferSidecar.SidecarArgs, "dataDir" | "env" | "cwd">
) {
  yield* BufferSidecar.run({ ...flags, ...where }, interrupted).pipe(
    Effect.catchTag("SidecarError", (error): Effect.Effect<never, CliError | LoggedFatal> =>
      error.reason === "InvalidArguments" ? Effect.fail(invalidArguments(error.message)) : fatalWith(error.message)(error.cause))
  )
})
