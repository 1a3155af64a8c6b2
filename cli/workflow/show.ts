import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import { help } from "./Help.ts"
import * as WorkflowOptions from "./WorkflowOptions.ts"

export class WorkflowShowCommand extends BaseCommand {
  static override paths = pathsOf("workflow", "show")
  static override usage = help.show

  output = WorkflowOptions.output()

  positionals = Option.Rest({ name: "NAME" })

  override async execute(): Promise<number> {
    const { show } = await import("./show.program.ts")
    return this.runRunProgram(show(this), "inProcess")
  }
}
