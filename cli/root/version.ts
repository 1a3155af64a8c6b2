import { BaseCommand, usage } from "../BaseCommand.ts"
import { VERSION } from "../Version.ts"

/** `tyger --version` / `-v`: cobra's `tyger version <version>`. Persistent flags are accepted, as cobra does. */
export class VersionCommand extends BaseCommand {
  static override paths = [["--version"], ["-v"]]

  // A flag of the root in help, with cobra's words.
  static override usage = usage("General commands", "version for tyger")

  override async execute(): Promise<number> {
    this.context.stdout.write(`tyger version ${VERSION}\n`)
    return 0
  }
}
