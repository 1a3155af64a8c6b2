import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"

/** `tyger buffer` without a subcommand: Tyger's group commands refuse to run alone. */
export class BufferCommand extends BaseCommand {
  static override paths = [["buffer"], ["buffers"]]

  static override usage = BaseCommand.Usage({
    description: "Manage buffers",
    details: "Manage buffers: create, show, list, set, delete, restore and purge them; read, write and generate their data."
  })

  rest = Option.Rest()

  override async execute(): Promise<number> {
    const [extra] = this.rest
    return this.fail([extra === undefined ? "a command is required" : `unknown command "${extra}" for "tyger buffer"`])
  }
}
