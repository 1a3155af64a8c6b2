import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"
import { help } from "./Help.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

export class BufferCreateCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "create")
  static override usage = help.create

  location = Option.String("--location", {
    description: "the location of the buffer. If not specified, the buffer is created in the default location."
  })
  tags = FlagHelp.value("KEY=VALUE", Option.Array("--tag", { description: "add a key-value tag to the buffer. Can be specified multiple times." }))
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
