import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import { help } from "./Help.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

export class RunLogsCommand extends BaseCommand {
  static override paths = pathsOf("run", "logs")

  static override usage = help.logs

  timestamps = Option.Boolean("--timestamps", false, { description: "Include timestamps on each line in the log output" })
  tail = FlagHelp.value("LINES", Option.String("--tail", { description: "Lines of recent log file to display" }))
  since = FlagHelp.value("DATE/TIME", Option.String("-s,--since", {
    description: "Lines before this datetime (specified in local time) are not included"
  }))
  follow = Option.Boolean("-f,--follow", false, { description: "Specify if the logs should be streamed" })

  positionals = Option.Rest({ name: "RUNID" })

  override async execute(): Promise<number> {
    const { logs } = await import("./logs.program.ts")
    return this.runRunProgram(logs(this, this.context.stdout), "inProcess")
  }
}
