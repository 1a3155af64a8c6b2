import { Option } from "clipanion"
import { BaseCommand, pathsOf, usage } from "../BaseCommand.ts"

export class RunLogsCommand extends BaseCommand {
  static override paths = pathsOf("run", "logs")

  static override usage = usage("Runs", "Get the logs of a run", {
    details: `
      Get the logs of a run: the standard output and error of all of its containers, merged chronologically. Logs stay
      available after the run has ended.
    `,
    examples: [
      ["The last 10 lines of run 12, with timestamps", "$0 run logs 12 --tail 10 --timestamps"],
      ["Stream the logs of run 12 until it ends", "$0 run logs 12 --follow"]
    ]
  })

  timestamps = Option.Boolean("--timestamps", false, { description: "Include timestamps on each line in the log output" })
  tail = Option.String("--tail", { description: "Lines of recent log file to display" })
  since = Option.String("-s,--since", {
    description: "Lines before this datetime (specified in local time) are not included"
  })
  follow = Option.Boolean("-f,--follow", false, { description: "Specify if the logs should be streamed" })

  positionals = Option.Rest({ name: "RUNID" })

  override async execute(): Promise<number> {
    const { logs } = await import("./logs.program.ts")
    return this.runRunProgram(logs(this, this.context.stdout), "inProcess")
  }
}
