import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"
import * as RunOptions from "./RunOptions.ts"

export class RunShowCommand extends BaseCommand {
  static override paths = pathsOf("run", "show", "get")

  static override usage = usage("Runs", "Show the details of a run", {
    details: "Show the details of a run: its status and its definition, with the job codespec resolved inline.",
    examples: [["Show run 12", "$0 run show 12"]]
  })

  positionals = RunOptions.id()

  override async execute(): Promise<number> {
    const { show } = await import("./show.program.ts")
    return this.runRunProgram(show(this), "inProcess")
  }
}
