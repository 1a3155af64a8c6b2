import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"
import { help } from "./Help.ts"

/** `tyger logout`: nothing to forget (see Help.ts). */
export class LogoutCommand extends BaseCommand {
  static override paths = [["logout"]]
  static override usage = help.logout

  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { logout } = await import("./logout.program.ts")
    return this.runProgram(logout(this))
  }
}
