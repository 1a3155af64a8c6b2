import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"
import { help } from "./Help.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

/** `tyger login status [--format json|text]`. */
export class LoginStatusCommand extends BaseCommand {
  static override paths = [["login", "status"]]
  static override usage = help.status

  format = FlagHelp.value("json|text", Option.String("-o,--format", { description: "The output format: 'text' (the default) or 'json'." }))

  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { status } = await import("./status.program.ts")
    return this.runProgram(status(this))
  }
}
