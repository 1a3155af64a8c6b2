import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"

/** Hidden: the detached supervisor `tyger run create` starts for each run (see cli/MonitorProcess.ts). */
export class RunMonitorCommand extends BaseCommand {
  static override paths = [["run", "monitor"], ["runs", "monitor"]]

  positionals = Option.Rest({ name: "ID" })

  override async execute(): Promise<number> {
    const { monitor } = await import("./monitor.program.ts")
    return this.runRunProgram(monitor({ positionals: this.positionals, dataDir: this.dataDir }), "inProcess")
  }
}
