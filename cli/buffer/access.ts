import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"
import { help } from "./Help.ts"

export class BufferAccessCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "access")
  static override usage = help.access

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
