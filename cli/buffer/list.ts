import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"
import { help } from "./Help.ts"

export class BufferListCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "list")
  static override usage = help.list

  tags = Option.Array("--tag", {
    description: "Only include buffers with the given tag. Can be specified multiple times."
  })
  excludeTags = Options.excludeTags()
  softDeleted = Options.softDeleted()
  limit = Option.String("-l,--limit", { description: "The maximum number of buffers to list. Default 1000" })

  // cobra accepts (and ignores) extra arguments here.
  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { list } = await import("./list.program.ts")
    return this.runBufferProgram(list(this))
  }
}
