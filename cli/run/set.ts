import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"
import * as TagOptions from "../common/TagOptions.ts"
import * as RunOptions from "./RunOptions.ts"

export class RunSetCommand extends BaseCommand {
  static override paths = pathsOf("run", "set")

  static override usage = usage("Runs", "Updates or replaces tags set on a run", {
    details: "Updates or replaces tags set on a run",
    examples: [
      ["Add or change a tag", "$0 run set 12 --tag stage=done"],
      ["Replace all tags, only if the run is unchanged", "$0 run set 12 --clear-tags --tag a=b --etag 123"]
    ]
  })

  clearTags = TagOptions.clearTags()
  tags = TagOptions.tags()
  eTag = TagOptions.eTag()

  positionals = RunOptions.id()

  override async execute(): Promise<number> {
    const { set } = await import("./set.program.ts")
    return this.runRunProgram(set(this), "inProcess")
  }
}
