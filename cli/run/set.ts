import { pathsOf } from "../BaseCommand.ts"
import { TagSetFlags } from "../common/TagSetFlags.ts"
import * as RunOptions from "./RunOptions.ts"
import { help } from "./Help.ts"

export class RunSetCommand extends TagSetFlags {
  static override paths = pathsOf("run", "set")

  static override usage = help.set


  positionals = RunOptions.id()

  override async execute(): Promise<number> {
    const { set } = await import("./set.program.ts")
    return this.runRunProgram(set(this), "inProcess")
  }
}
