import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as TagOptions from "../common/TagOptions.ts"
import * as RunOptions from "./RunOptions.ts"
import { help } from "./Help.ts"

export class RunSetCommand extends BaseCommand {
  static override paths = pathsOf("run", "set")

  static override usage = help.set

  clearTags = TagOptions.clearTags()
  tags = TagOptions.tags()
  eTag = TagOptions.eTag()

  positionals = RunOptions.id()

  override async execute(): Promise<number> {
    const { set } = await import("./set.program.ts")
    return this.runRunProgram(set(this), "inProcess")
  }
}
