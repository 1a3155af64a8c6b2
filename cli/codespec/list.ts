import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import { help } from "./Help.ts"

export class CodespecListCommand extends BaseCommand {
  static override paths = pathsOf("codespec", "list")
  static override usage = help.list

  prefix = Option.String("-p,--prefix", { description: "Show only codespecs that start with this prefix" })
  limit = Option.String("-l,--limit", { description: "The maximum number of codespecs to list (default 1000)" })

  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { list } = await import("./list.program.ts")
    return this.runProgram(list(this))
  }
}
