import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"
import { help } from "./Help.ts"

export class BufferGenCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "gen")
  static override usage = help.gen

  output = Options.output()

  positionals = Option.Rest({ name: "SIZE" })

  override async execute(): Promise<number> {
    const { gen } = await import("./gen.program.ts")
    return this.runBufferProgram(gen(this, this.context))
  }
}
