import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"

export class BufferReadCommand extends BaseCommand {
  static override paths = [["buffer", "read"], ["buffers", "read"]]

  static override usage = BaseCommand.Usage({
    category: "Buffers",
    description: "Reads the contents of a buffer",
    details: `
      Reads the contents of a buffer. The argument is a buffer ID, an access URL (\`tyger buffer access\`), or a file
      holding one. A buffer still being written is streamed as its data arrives.
    `,
    examples: [["Read a buffer into a file", "$0 buffer read yf4sx2aqzitepjhmxjhanomn5e -o data.bin"]]
  })

  output = Option.String("-o,--output", {
    description: "The file write to. If not specified, data is written to standard out."
  })
  dop = Option.String("-p,--dop", { description: "The degree of parallelism" })
  accessTtl = Option.String("--access-ttl", { hidden: true })

  positionals = Option.Rest({ name: "BUFFER_ID | BUFFER_SAS_URL | FILE_WITH_SAS_URL" })

  override async execute(): Promise<number> {
    const { read } = await import("./read.program.ts")
    return this.runBufferProgram(read({
      positionals: this.positionals,
      output: this.output,
      dop: this.dop,
      accessTtl: this.accessTtl,
      stdout: this.context.stdout,
      stderr: this.context.stderr
    }))
  }
}
