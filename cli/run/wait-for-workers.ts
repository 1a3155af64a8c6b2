import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

/**
 * `tyger run wait-for-workers --timeout D TARGET...`: internal, the job pod's init container of a distributed run (see
 * providers/kubernetes/Contract.ts). No usage text, so it stays out of `tyger --help`, like Tyger's worker-waiter binary.
 */
export class RunWaitForWorkersCommand extends BaseCommand {
  static override paths = [["run", "wait-for-workers"]]

  timeout = FlagHelp.value("DURATION", Option.String("--timeout", {
    description: "How long to wait at most (a Go duration, e.g. 900s); absent or 0 waits until every worker answers."
  }))

  targets = Option.Rest({ name: "host:port | host" })

  override async execute(): Promise<number> {
    const { waitForWorkers } = await import("./wait-for-workers.program.ts")
    return this.runProgram(waitForWorkers(this))
  }
}
