import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import { help } from "./Help.ts"

export class CodespecShowCommand extends BaseCommand {
  static override paths = pathsOf("codespec", "show", "get")

  static override usage = help.show

  version = Option.String("--version", { description: "the version of the codespec to get" })

  positionals = Option.Rest({ name: "NAME" })

  override async execute(): Promise<number> {
    const { show } = await import("./show.program.ts")
    return this.runProgram(show(this))
  }
}
