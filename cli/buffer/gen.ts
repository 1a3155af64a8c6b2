import { Option } from "clipanion"
import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"

export class BufferGenCommand extends BaseCommand {
  static override paths = pathsOf("buffer", "gen")
  static override usage = usage("Buffers", "Generate deterministic data.", {
    details: `
      Generate SIZE bytes of arbitrary but deterministic data.
      The SIZE argument must be a number with an optional unit (e.g. 10MB). 1KB and 1KiB are both treated as 1024 bytes.
    `,
    examples: [["Write 1 GiB of test data into a buffer", "$0 buffer gen 1G | $0 buffer write yf4sx2aqzitepjhmxjhanomn5e"]]
  })

  output = Options.output()

  positionals = Option.Rest({ name: "SIZE" })

  override async execute(): Promise<number> {
    const { gen } = await import("./gen.program.ts")
    return this.runBufferProgram(gen(this, this.context))
  }
}
