import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"

export class RunCountsCommand extends BaseCommand {
  static override paths = [["run", "counts"], ["run", "count"], ["runs", "counts"], ["runs", "count"]]

  static override usage = BaseCommand.Usage({
    category: "Runs",
    description: "Shows the count of runs by status",
    details: "Shows the count of runs by status; only statuses with runs are listed.",
    examples: [["Counts of the runs created today", "$0 run counts --since today"]]
  })

  since = Option.String("-s,--since", {
    description: "Results before this datetime (specified in local time) are not included"
  })
  tags = Option.Array("--tag", { description: "Only include runs with the given tag. Can be specified multiple times." })

  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { counts } = await import("./counts.program.ts")
    return this.runRunProgram(counts({ since: this.since, tags: this.tags }), "inProcess")
  }
}
