import { Option } from "clipanion"
import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"
import * as RunOptions from "./RunOptions.ts"

export class RunListCommand extends BaseCommand {
  static override paths = pathsOf("run", "list")

  static override usage = usage("Runs", "List runs", {
    details: "List runs. Runs are sorted by descending created time.",
    examples: [
      ["The most recent run", "$0 run list --limit 1"],
      ["Failed runs of the last day tagged project=demo", "$0 run list --since -1d --status failed --tag project=demo"]
    ]
  })

  since = RunOptions.since()
  tags = RunOptions.tagFilter()
  statuses = Option.Array("--status", {
    description: "Only include runs with the given status. When specified multiple times, any of the given statuses are matched."
  })
  limit = Option.String("-l,--limit", { description: "The maximum number of runs to list. Default 1000" })

  // cobra accepts (and ignores) extra arguments here.
  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { list } = await import("./list.program.ts")
    return this.runRunProgram(list(this), "inProcess")
  }
}
