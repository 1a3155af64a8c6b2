import { Option } from "clipanion"
import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"
import * as TagOptions from "../common/TagOptions.ts"
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
