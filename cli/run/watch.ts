import { Option } from "clipanion"
import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"
import * as RunOptions from "./RunOptions.ts"

export class RunWatchCommand extends BaseCommand {
  static override paths = pathsOf("run", "watch")

  static override usage = usage("Runs", "Watch the status changes of a run", {
    details: "Watch the status changes of a run: a JSON line whenever the run changes, until it reaches a terminal state.",
    examples: [
      ["Watch run 12", "$0 run watch 12"],
      ["Watch run 12, printing the whole run each time", "$0 run watch 12 --full-resource"]
    ]
  })

  fullResource = Option.Boolean("--full-resource", false, {
    description: "Display the full resource instead of just the system fields"
  })

  positionals = RunOptions.id()

  override async execute(): Promise<number> {
    const { watch } = await import("./watch.program.ts")
    return this.runRunProgram(watch(this), "inProcess")
  }
}
