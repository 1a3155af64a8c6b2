import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as RunOptions from "./RunOptions.ts"
import { help } from "./Help.ts"

export class RunCancelCommand extends BaseCommand {
  static override paths = pathsOf("run", "cancel", "stop")

  static override usage = help.cancel

  positionals = RunOptions.id()

  override async execute(): Promise<number> {
    const { cancel } = await import("./cancel.program.ts")
    return this.runRunProgram(cancel(this), "inProcess")
  }
}
