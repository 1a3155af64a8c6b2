import { pathsOf } from "../BaseCommand.ts"
import { RunCreateFlags } from "./CreateFlags.ts"
import { help } from "./Help.ts"

export class RunCreateCommand extends RunCreateFlags {
  static override paths = pathsOf("run", "create")

  static override usage = help.create

  override async execute(): Promise<number> {
    const { create } = await import("./create.program.ts")
    return this.runRunProgram(create(this), "detached")
  }
}
