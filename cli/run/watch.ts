import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as RunOptions from "./RunOptions.ts"
import { help } from "./Help.ts"

export class RunWatchCommand extends BaseCommand {
  static override paths = pathsOf("run", "watch")

  static override usage = help.watch

  fullResource = Option.Boolean("--full-resource", false, {
    description: "Display the full resource instead of just the system fields"
  })

  positionals = RunOptions.id()

  override async execute(): Promise<number> {
    const { watch } = await import("./watch.program.ts")
    return this.runRunProgram(watch(this), "inProcess")
  }
}
