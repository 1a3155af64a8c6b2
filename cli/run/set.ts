import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"

export class RunSetCommand extends BaseCommand {
  static override paths = [["run", "set"], ["runs", "set"]]

  static override usage = BaseCommand.Usage({
    category: "Runs",
    description: "Updates or replaces tags set on a run",
    details: "Updates or replaces tags set on a run",
    examples: [
      ["Add or change a tag", "$0 run set 12 --tag stage=done"],
      ["Replace all tags, only if the run is unchanged", "$0 run set 12 --clear-tags --tag a=b --etag 123"]
    ]
  })

  clearTags = Option.Boolean("--clear-tags", false, {
    description:
      "clear all existing tags from the buffer and replace them with the new tags. If not specified, the existing tags are preserved and updated."
  })
  tags = Option.Array("--tag", {
    description: "add or update a key-value tag to the buffer. Can be specified multiple times."
  })
  eTag = Option.String("--etag", { description: "the ETag read ETag to guard against concurrent updates, " })

  positionals = Option.Rest({ name: "ID" })

  override async execute(): Promise<number> {
    const { set } = await import("./set.program.ts")
    return this.runRunProgram(set({
      positionals: this.positionals,
      tags: this.tags,
      clearTags: this.clearTags,
      eTag: this.eTag
    }), "inProcess")
  }
}
