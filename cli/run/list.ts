import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as RunOptions from "./RunOptions.ts"
import { help } from "./Help.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

export class RunListCommand extends BaseCommand {
  static override paths = pathsOf("run", "list")

  static override usage = help.list

  since = RunOptions.since()
  tags = RunOptions.tagFilter()
  statuses = FlagHelp.value("STATUS", Option.Array("--status", {
    description: "Only include runs with the given status. When specified multiple times, any of the given statuses are matched."
  }))
  limit = FlagHelp.value("COUNT", Option.String("-l,--limit", { description: "The maximum number of runs to list. Default 1000" }))

  // cobra accepts (and ignores) extra arguments here.
  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { list } = await import("./list.program.ts")
    return this.runRunProgram(list(this), "inProcess")
  }
}
