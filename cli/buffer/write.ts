import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"
import { help } from "./Help.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

export class BufferWriteCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "write")
  static override usage = help.write

  input = FlagHelp.value("FILE", Option.String("-i,--input", {
    description: "The file to read from. If not specified, data is read from standard in."
  }))
  dop = Options.dop()
  blockSize = FlagHelp.value("SIZE", Option.String("-b,--block-size", { description: "Split the stream into blocks of this size." }))
  flushInterval = FlagHelp.value("DURATION", Option.String("-f,--flush-interval", {
    description:
      "The longest time to wait before accumulated data is written to the remote service. Data will be flushed either when --block-size of data has been accumulated or when the specified interval has elapsed, whichever comes first. This is ignored if the input is a regular file. Set to 0 to disable."
  }))
  accessTtl = Options.accessTtl()

  positionals = Options.target()

  override async execute(): Promise<number> {
    const { write } = await import("./write.program.ts")
    return this.runBufferProgram(write(this, this.context))
  }
}
