import { Option } from "clipanion"
import { BaseCommand, usage } from "../BaseCommand.ts"

export class CodespecShowCommand extends BaseCommand {
  static override paths = [["codespec", "show"], ["codespec", "get"], ["codespecs", "show"], ["codespecs", "get"]]

  static override usage = usage("Codespecs", "Show the details of a codespec", {
    details: "Show the details of a codespec: its latest version, or the one given with `--version`.",
    examples: [
      ["Show the latest version of a codespec", "$0 codespec show hello"],
      ["Show version 2 of a codespec", "$0 codespec show hello --version 2"]
    ]
  })

  version = Option.String("--version", { description: "the version of the codespec to get" })

  positionals = Option.Rest({ name: "NAME" })

  override async execute(): Promise<number> {
    const { show } = await import("./show.program.ts")
    return this.runProgram(show(this))
  }
}
