import { Option } from "clipanion"
import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"

export class BufferSetCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "set")
  static override usage = usage("Buffers", "Updates or replaces tags set on a buffer", {
    details: "Updates or replaces tags set on a buffer",
    examples: [
      ["Add or change a tag", "$0 buffer set yf4sx2aqzitepjhmxjhanomn5e --tag stage=done"],
      ["Replace all tags, only if the buffer is unchanged", "$0 buffer set ID --clear-tags --tag a=b --etag 123"]
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
  ttl = Options.ttl()
  softDeleted = Options.softDeleted()

  positionals = Option.Rest({ name: "ID" })

  override async execute(): Promise<number> {
    const { set } = await import("./set.program.ts")
    return this.runBufferProgram(set(this))
  }
}
