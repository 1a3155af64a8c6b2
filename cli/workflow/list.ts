import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import { help } from "./Help.ts"

export class WorkflowListCommand extends BaseCommand {
  static override paths = pathsOf("workflow", "list")
  static override usage = help.list

  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { list } = await import("./list.program.ts")
    return this.runRunProgram(list(this), "inProcess")
  }
}
