import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import { help } from "./Help.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

export class CodespecListCommand extends BaseCommand {
  static override paths = pathsOf("codespec", "list")
  static override usage = help.list

  prefix = FlagHelp.value("STRING", Option.String("-p,--prefix", { description: "Show only codespecs that start with this prefix" }))
  limit = FlagHelp.value("COUNT", Option.String("-l,--limit", { description: "The maximum number of codespecs to list (default 1000)" }))

  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { list } = await import("./list.program.ts")
    return this.runProgram(list(this))
  }
}
