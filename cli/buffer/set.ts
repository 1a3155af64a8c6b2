import { Option } from "clipanion"
import { pathsOf } from "../BaseCommand.ts"
import { TagSetFlags } from "../common/TagSetFlags.ts"
import * as Options from "./BufferOptions.ts"
import { help } from "./Help.ts"

export class BufferSetCommand extends TagSetFlags {
  static override paths = pathsOf("buffer", "set")
  static override usage = help.set

  ttl = Options.ttl()
  softDeleted = Options.softDeleted()

  positionals = Option.Rest({ name: "ID" })

  override async execute(): Promise<number> {
    const { set } = await import("./set.program.ts")
    return this.runBufferProgram(set(this))
  }
}
