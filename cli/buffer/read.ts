import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"

export class BufferReadCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "read")
  static override usage = usage("Buffers", "Reads the contents of a buffer", {
    details: `
      Reads the contents of a buffer. The argument is a buffer ID, an access URL (\`tyger buffer access\`), or a file
      holding one. A buffer still being written is streamed as its data arrives.
    `,
    examples: [["Read a buffer into a file", "$0 buffer read yf4sx2aqzitepjhmxjhanomn5e -o data.bin"]]
  })

  output = Options.output()
  dop = Options.dop()
  accessTtl = Options.accessTtl()

  positionals = Options.target()

  override async execute(): Promise<number> {
    const { read } = await import("./read.program.ts")
    return this.runBufferProgram(read(this, this.context))
  }
}
