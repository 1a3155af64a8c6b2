import { Option } from "clipanion"
import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"
import * as RunOptions from "./RunOptions.ts"

export class RunCountsCommand extends BaseCommand {
  static override paths = pathsOf("run", "counts", "count")

  static override usage = usage("Runs", "Shows the count of runs by status", {
    details: "Shows the count of runs by status; only statuses with runs are listed.",
    examples: [["Counts of the runs created today", "$0 run counts --since today"]]
  })

  since = RunOptions.since()
  tags = RunOptions.tagFilter()

  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { counts } = await import("./counts.program.ts")
    return this.runRunProgram(counts(this), "inProcess")
  }
}
