import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"

export class BufferShowCommand extends BaseCommand {
  static override paths = [["buffer", "show"], ["buffers", "show"]]

  static override usage = BaseCommand.Usage({
    category: "Buffers",
    description: "Show the details of a buffer",
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
