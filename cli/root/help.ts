import { Option } from "clipanion"
import { BaseCommand, usage } from "../BaseCommand.ts"
import * as CommandTree from "./CommandTree.ts"
import * as HelpText from "./HelpText.ts"

/**
 * `tyger help [command...]`, cobra's help command, which prints what `tyger [command...] --help` prints; `tyger --help`
 * and `-h` are its other paths (the root's help; cobra also reads `tyger -h run` as the help of `run`).
 */
export class HelpCommand extends BaseCommand {
  static override paths = [["help"], ["-h"], ["--help"]]

  static override usage = usage("General commands", "Help about any command", {
    use: "help [command]",
    details: `
      Help provides help for any command in the application.
      Simply type tyger help [path to command] for full details.
    `
  })

  topic = Option.Rest()

  override async execute(): Promise<number> {
    const tree = this.context.commands?.() ?? CommandTree.make([])
    const command = CommandTree.find(tree, this.topic)
    if (this.topic.length > 0 && command === undefined) {
      // cobra: `Unknown help topic %#q` (a Go slice of back-quoted words), then the root's usage.
      this.context.stdout.write(`Unknown help topic [${this.topic.map((t) => `\`${t}\``).join(" ")}]\n`)
      this.context.stdout.write(HelpText.usage(tree, undefined))
      return 0
    }
    this.context.stdout.write(HelpText.help(tree, command))
    return 0
  }
}
