import { Option } from "clipanion"
import { BaseCommand } from "./BaseCommand.ts"

/**
 * `tyger <noun>` without a subcommand, as Tyger's cobra groups answer it: never run alone, an unknown subcommand is
 * named. The plural path is the alias Tyger accepts (`tyger runs list`). Help shows it as cobra shows Tyger's groups:
 * `tyger run` and `tyger run [command]` (Tyger's groups are runnable, without flags in their usage line).
 */
export const groupCommand = (noun: string, usage: { readonly description: string; readonly details: string }) =>
  class extends BaseCommand {
    static override paths = [[noun], [`${noun}s`]]

    static override usage = { ...BaseCommand.Usage(usage), use: noun }

    rest = Option.Rest()

    override async execute(): Promise<number> {
      const [extra] = this.rest
      return this.fail([extra === undefined ? "a command is required" : `unknown command "${extra}" for "tyger ${noun}"`])
    }
  }
