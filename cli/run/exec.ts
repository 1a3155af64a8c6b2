import { Option } from "clipanion"
import { pathsOf } from "../BaseCommand.ts"
import { RunCreateFlags } from "./CreateFlags.ts"
import { help } from "./Help.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

export class RunExecCommand extends RunCreateFlags {
  static override paths = pathsOf("run", "exec")

  static override usage = help.exec

  logs = Option.Boolean("--logs", false, { description: "Print run logs to stderr." })
  timestamps = Option.Boolean("--timestamps", false, { description: "Print run logs with timestamps." })
  blockSize = FlagHelp.value("SIZE", Option.String("--block-size", { description: "Split the input stream into buffer blocks of this size." }))
  writeDop = FlagHelp.value("DOP", Option.String("--write-dop", { description: "The degree of parallelism for writing to the input buffer." }))
  readDop = FlagHelp.value("DOP", Option.String("--read-dop", { description: "The degree of parallelism for reading from the output buffer." }))

  override async execute(): Promise<number> {
    const { exec } = await import("./exec.program.ts")
    const { stdin, stdout, stderr } = this.context
    return this.runRunProgram(exec(this, { stdin, stdout, stderr }), "inProcess")
  }
}
