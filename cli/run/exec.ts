import { Option } from "clipanion"
import { pathsOf, usage } from "../BaseCommand.ts"
import { RunCreateFlags } from "./CreateFlags.ts"

export class RunExecCommand extends RunCreateFlags {
  static override paths = pathsOf("run", "exec")

  static override usage = usage("Runs", "Creates a run and reads and writes to its buffers.", {
    details: `
      Creates a run.
      If the job has a single input buffer, stdin is streamed to the buffer.
      If the job has a single output buffer, stdout is streamed from the buffer.

      Status changes are logged to stderr. A run that does not succeed exits with code 1; Ctrl-C cancels the run.
    `,
    examples: [
      ["Say hello", "echo Paul | $0 run exec --codespec hello > result.txt"],
      ["Run a run file and show its logs", "$0 run exec -f run.yml --logs < input.bin > output.bin"]
    ]
  })

  logs = Option.Boolean("--logs", false, { description: "Print run logs to stderr." })
  timestamps = Option.Boolean("--timestamps", false, { description: "Print run logs with timestamps." })
  blockSize = Option.String("--block-size", { description: "Split the input stream into buffer blocks of this size." })
  writeDop = Option.String("--write-dop", { description: "The degree of parallelism for writing to the input buffer." })
  readDop = Option.String("--read-dop", { description: "The degree of parallelism for reading from the output buffer." })

  override async execute(): Promise<number> {
    const { exec } = await import("./exec.program.ts")
    const { stdin, stdout, stderr } = this.context
    return this.runRunProgram(exec(this, { stdin, stdout, stderr }), "inProcess")
  }
}
