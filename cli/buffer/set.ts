import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as TagOptions from "../common/TagOptions.ts"
import * as Options from "./BufferOptions.ts"
import { help } from "./Help.ts"

export class BufferSetCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "set")
  static override usage = help.set

  clearTags = TagOptions.clearTags()
  tags = TagOptions.tags()
  eTag = TagOptions.eTag()
  ttl = Options.ttl()
  softDeleted = Options.softDeleted()

  positionals = Option.Rest({ name: "ID" })

  override async execute(): Promise<number> {
    const { set } = await import("./set.program.ts")
    return this.runBufferProgram(set(this))
  }
}
