import { Option } from "clipanion"
import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"

export class BufferWriteCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "write")
  static override usage = usage("Buffers", "Writes to a buffer", {
    details: `
      Write data to a buffer. The argument is a buffer ID, an access URL (\`tyger buffer access --write\`), or a file
      holding one. A buffer can be written once; Ctrl-C leaves it permanently failed.
    `,
    examples: [
      ["Write a file to a buffer", "$0 buffer write yf4sx2aqzitepjhmxjhanomn5e -i data.bin"],
      ["Write generated data from a pipe", "$0 buffer gen 1G | $0 buffer write yf4sx2aqzitepjhmxjhanomn5e"]
    ]
  })

  input = Option.String("-i,--input", {
    description: "The file to read from. If not specified, data is read from standard in."
  })
  dop = Options.dop()
  blockSize = Option.String("-b,--block-size", { description: "Split the stream into blocks of this size." })
  flushInterval = Option.String("-f,--flush-interval", {
    description:
      "The longest time to wait before accumulated data is written to the remote service. Data will be flushed either when --block-size of data has been accumulated or when the specified interval has elapsed, whichever comes first. This is ignored if the input is a regular file. Set to 0 to disable."
  })
  accessTtl = Options.accessTtl()

  positionals = Options.target()

  override async execute(): Promise<number> {
    const { write } = await import("./write.program.ts")
    return this.runBufferProgram(write(this, this.context))
  }
}
