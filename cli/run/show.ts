import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as RunOptions from "./RunOptions.ts"
import { help } from "./Help.ts"

export class RunShowCommand extends BaseCommand {
  static override paths = pathsOf("run", "show", "get")

  static override usage = help.show

  positionals = RunOptions.id()

  override async execute(): Promise<number> {
    const { show } = await import("./show.program.ts")
    return this.runRunProgram(show(this), "inProcess")
  }
}
