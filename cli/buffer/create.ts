import { Option } from "clipanion"
import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"

export class BufferCreateCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "create")
  static override usage = usage("Buffers", "Create a buffer", {
    details: "Create a buffer. Writes the buffer ID to stdout on success.",
    examples: [
      ["Create a buffer", "$0 buffer create"],
      ["Create a tagged buffer that expires after a day", "$0 buffer create --tag project=demo --ttl 1.00:00"]
    ]
  })

  location = Option.String("--location", {
    description: "the location of the buffer. If not specified, the buffer is created in the default location."
  })
  tags = Option.Array("--tag", { description: "add a key-value tag to the buffer. Can be specified multiple times." })
  ttl = Options.ttl()
  fullResource = Option.Boolean("--full-resource", false, {
    description: "return the full buffer resource and not just the buffer ID"
  })

  // cobra accepts (and ignores) extra arguments here.
  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { create } = await import("./create.program.ts")
    return this.runBufferProgram(create(this))
  }
}
