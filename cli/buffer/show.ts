import { Option } from "clipanion"
import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"

export class BufferShowCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "show")
  static override usage = usage("Buffers", "Show the details of a buffer", {
    details: "Show the details of a buffer",
    examples: [["Show a buffer", "$0 buffer show yf4sx2aqzitepjhmxjhanomn5e"]]
  })

  softDeleted = Options.softDeleted()

  positionals = Option.Rest({ name: "BUFFER_ID" })

  override async execute(): Promise<number> {
    const { show } = await import("./show.program.ts")
    return this.runBufferProgram(show(this))
  }
}
