import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"

/** `tyger codespec` without a subcommand: Tyger's group commands refuse to run alone. */
export class CodespecCommand extends BaseCommand {
  static override paths = [["codespec"], ["codespecs"]]

  static override usage = BaseCommand.Usage({
    description: "Manage codespecs",
    details: "Manage codespecs: `create` a new version, `show` one, `list` the latest version of each."
  })

  rest = Option.Rest()

  override async execute(): Promise<number> {
    const [extra] = this.rest
    return this.fail([extra === undefined ? "a command is required" : `unknown command "${extra}" for "tyger codespec"`])
  }
}
