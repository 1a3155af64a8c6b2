import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"
import { help } from "./Help.ts"

export class BufferReadCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "read")
  static override usage = help.read

  output = Options.output()
  dop = Options.dop()
  accessTtl = Options.accessTtl()

  positionals = Options.target()

  override async execute(): Promise<number> {
    const { read } = await import("./read.program.ts")
    return this.runBufferProgram(read(this, this.context))
  }
}
