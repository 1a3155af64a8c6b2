import { Option } from "clipanion"
import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"

export class BufferAccessCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "access")
  static override usage = usage("Buffers", "Get a URL to be able to read or write to a buffer", {
    details: "Get a URL to be able to read or write to a buffer. The URL is valid for one hour.",
    examples: [["Get a URL to write a buffer", "$0 buffer access yf4sx2aqzitepjhmxjhanomn5e --write"]]
  })

  write = Option.Boolean("-w,--write", false, {
    description: "Request write access instead of read-only access to the buffer."
  })
  accessTtl = Options.accessTtl()

  positionals = Option.Rest({ name: "BUFFER_ID" })

  override async execute(): Promise<number> {
    const { access } = await import("./access.program.ts")
    return this.runBufferProgram(access(this))
  }
}
