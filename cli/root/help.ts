import { BaseCommand } from "../BaseCommand.ts"

/** `tyger --help` / `-h`: the list of commands (cobra prints the root's help; persistent flags are accepted). */
export class HelpCommand extends BaseCommand {
  static override paths = [["-h"], ["--help"]]

  override async execute(): Promise<number> {
    this.context.stdout.write(this.cli.usage())
    return 0
  }
}
