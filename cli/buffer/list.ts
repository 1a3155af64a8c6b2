import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"
import { help } from "./Help.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

export class BufferListCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "list")
  static override usage = help.list

  tags = FlagHelp.value("KEY=VALUE", Option.Array("--tag", {
    description: "Only include buffers with the given tag. Can be specified multiple times."
  }))
  excludeTags = Options.excludeTags()
  softDeleted = Options.softDeleted()
  limit = FlagHelp.value("COUNT", Option.String("-l,--limit", { description: "The maximum number of buffers to list. Default 1000" }))

  // cobra accepts (and ignores) extra arguments here.
  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { list } = await import("./list.program.ts")
    return this.runBufferProgram(list(this))
  }
}
