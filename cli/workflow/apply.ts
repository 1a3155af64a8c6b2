import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"
import { help } from "./Help.ts"
import * as WorkflowOptions from "./WorkflowOptions.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

export class ApplyCommand extends BaseCommand {
  static override paths = [["apply"], ["workflow", "apply"], ["workflows", "apply"]]
  static override usage = help.apply

  name = Option.String("--name", { description: "The workflow's name in the store (default: the file's name)." })
  dryRun = Option.Boolean("--dry-run", false, { description: "Print what would be created, kept and removed, and why; change nothing." })
  rerun = FlagHelp.value("RUN", Option.Array("--rerun", { description: "Create this run again even if it is unchanged. Can be specified multiple times." }))
  prune = Option.Boolean("--prune", false, { description: "Cancel the last run of each run removed from the workflow, if still going." })
  noWait = Option.Boolean("--no-wait", false, {
    description: "Return once the runs are created, each supervised by a detached monitor (by default apply waits for them)."
  })
  once = Option.Boolean("--once", false, { description: "Run each scheduled run one time now (Docker has no schedules)." })
  output = WorkflowOptions.output()

  positionals = Option.Rest({ name: "FILE" })

  override async execute(): Promise<number> {
    const { apply } = await import("./apply.program.ts")
    return this.runRunProgram(apply(this), this.noWait ? "detached" : "inProcess")
  }
}
