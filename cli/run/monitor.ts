import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as RunOptions from "./RunOptions.ts"

/** Hidden: the detached supervisor `tyger run create` starts for each run (see cli/MonitorProcess.ts). */
export class RunMonitorCommand extends BaseCommand {
  static override paths = pathsOf("run", "monitor")

  positionals = RunOptions.id()

  override async execute(): Promise<number> {
    const { monitor } = await import("./monitor.program.ts")
    return this.runRunProgram(monitor(this, this.dataDir), "inProcess")
  }
}
