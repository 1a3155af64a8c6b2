import { Option } from "clipanion"
import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"

export class CodespecListCommand extends BaseCommand {
  static override paths = pathsOf("codespec", "list")
  static override usage = usage("Codespecs", "List codespecs", {
    details: "List codespecs. Latest version of codespecs are sorted alphabetically.",
    examples: [
      ["List every codespec", "$0 codespec list"],
      ["List the first 10 codespecs whose name starts with `daphne`", "$0 codespec list --prefix daphne --limit 10"]
    ]
  })

  prefix = Option.String("-p,--prefix", { description: "Show only codespecs that start with this prefix" })
  limit = Option.String("-l,--limit", { description: "The maximum number of codespecs to list (default 1000)" })

  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { list } = await import("./list.program.ts")
    return this.runProgram(list(this))
  }
}
