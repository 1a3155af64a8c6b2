import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"
import * as RunOptions from "./RunOptions.ts"

export class RunCancelCommand extends BaseCommand {
  static override paths = pathsOf("run", "cancel", "stop")

  static override usage = usage("Runs", "Cancel a run", {
    details: "Cancel a run: it becomes Canceled at once and its containers are stopped.",
    examples: [["Cancel run 12", "$0 run cancel 12"]]
  })

  positionals = RunOptions.id()

  override async execute(): Promise<number> {
    const { cancel } = await import("./cancel.program.ts")
    return this.runRunProgram(cancel(this), "inProcess")
  }
}
