import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"
import { help } from "./Help.ts"

export class BufferShowCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "show")
  static override usage = help.show

  softDeleted = Options.softDeleted()

  positionals = Option.Rest({ name: "BUFFER_ID" })

  override async execute(): Promise<number> {
    const { show } = await import("./show.program.ts")
    return this.runBufferProgram(show(this))
  }
}
