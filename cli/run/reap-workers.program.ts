import { Effect } from "effect"
import * as ReapWorkers from "../../providers/kubernetes/sidecar/ReapWorkers.ts"
import type { Flags } from "../BaseCommand.ts"
import { invalidArguments } from "../CliError.ts"
import { interrupted } from "../buffer/Signals.ts"
import type { RunReapWorkersCommand } from "./reap-workers.ts"

const REQUIRED = ["namespace", "pod", "container", "job", "workers"] as const

/**
 * `tyger run reap-workers`: the Kubernetes provider's reaper of a distributed run's workers
 * (providers/kubernetes/sidecar/ReapWorkers.ts). SIGTERM/SIGINT (the pod stopping) make it delete the workers at once.
 */
export const reapWorkers = Effect.fn("run.reapWorkers")(function*(
  flags: Flags<RunReapWorkersCommand>,
  env: ReapWorkers.ReapArgs["env"]
) {
  // An empty flag is an absent one (cobra's string flags default to "").
  const missing = REQUIRED.filter((name) => (flags[name] ?? "") === "")
  if (missing.length > 0) {
    return yield* invalidArguments(`required flag(s) ${missing.map((name) => `"${name}"`).join(", ")} not set`)
  }
  const { namespace, pod, container, job, workers } = flags as { readonly [Name in typeof REQUIRED[number]]: string }
  yield* ReapWorkers.run({ namespace, pod, container, job, workers, env }, interrupted)
})
