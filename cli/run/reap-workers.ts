import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"

/**
 * `tyger run reap-workers --namespace NS --pod POD --container main --job JOB --workers NAME`: internal, the
 * `reap-workers` container of a distributed run's job pods (argv fixed in providers/kubernetes/Contract.ts; the runtime
 * is providers/kubernetes/sidecar/ReapWorkers.ts), deleting the workers once the run is over, as Tyger's server does.
 * No usage text, so it stays out of `tyger --help`.
 */
export class RunReapWorkersCommand extends BaseCommand {
  static override paths = [["run", "reap-workers"]]

  namespace = Option.String("--namespace", { description: "The namespace of the pod, the Job and the workers" })
  pod = Option.String("--pod", { description: "The name of the pod to watch" })
  container = Option.String("--container", { description: "The name of the container to watch" })
  job = Option.String("--job", { description: "The name of the run's Job" })
  workers = Option.String("--workers", { description: "The name of the workers' StatefulSet and headless Service" })

  override async execute(): Promise<number> {
    const { reapWorkers } = await import("./reap-workers.program.ts")
    return this.runProgram(reapWorkers(this, this.context.env))
  }
}
