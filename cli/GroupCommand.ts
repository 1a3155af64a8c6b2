import { Option } from "clipanion"
import { BaseCommand } from "./BaseCommand.ts"

/**
 * `tyger <noun>` without a subcommand, as Tyger's cobra groups answer it: never run alone, an unknown subcommand is
 * named. The plural path is the alias Tyger accepts (`tyger runs list`).
 */
export const groupCommand = (noun: string, usage: { readonly description: string; readonly details: string }) =>
  class extends BaseCommand {
    static override paths = [[noun], [`${noun}s`]]

    static override usage = BaseCommand.Usage(usage)

    rest = Option.Rest()

    override async execute(): Promise<number> {
      const [extra] = this.rest
      return this.fail([extra === undefined ? "a command is required" : `unknown command "${extra}" for "tyger ${noun}"`])
    }
  }
