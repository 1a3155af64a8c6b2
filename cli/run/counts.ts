import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as RunOptions from "./RunOptions.ts"
import { help } from "./Help.ts"

export class RunCountsCommand extends BaseCommand {
  static override paths = pathsOf("run", "counts", "count")

  static override usage = help.counts

  since = RunOptions.since()
  tags = RunOptions.tagFilter()

  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { counts } = await import("./counts.program.ts")
    return this.runRunProgram(counts(this), "inProcess")
  }
}
