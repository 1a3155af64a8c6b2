import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"

/** `tyger run` without a subcommand: Tyger's group commands refuse to run alone. */
export class RunCommand extends BaseCommand {
  static override paths = [["run"], ["runs"]]

  static override usage = BaseCommand.Usage({
    description: "Manage runs",
    details: "Manage runs: create and execute them, show, watch, list, count, tag and cancel them, and read their logs."
  })

  rest = Option.Rest()

  override async execute(): Promise<number> {
    const [extra] = this.rest
    return this.fail([extra === undefined ? "a command is required" : `unknown command "${extra}" for "tyger run"`])
  }
}
