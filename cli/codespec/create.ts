import { Option } from "clipanion"
import { BaseCommand, pathsOf } from "../BaseCommand.ts"
import * as FileOption from "../common/FileOption.ts"
import { help } from "./Help.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

export class CodespecCreateCommand extends BaseCommand {
  static override paths = pathsOf("codespec", "create")
  static override usage = help.create

  image = Option.String("--image", { description: "The container image (required)" })
  file = FileOption.file()
  kind = FlagHelp.value("job|worker", Option.String("-k,--kind", { description: "The codespec kind. Either 'job' (the default) or 'worker'." }))
  maxReplicas = Option.String("-r,--max-replicas", { description: "The maximum number of replicas this codespec supports." })
  inputs = FlagHelp.value("BUFFER_NAME", Option.Array("-i,--input", { description: "Input buffer parameter names" }))
  outputs = FlagHelp.value("BUFFER_NAME", Option.Array("-o,--output", { description: "Output buffer parameter names" }))
  env = FlagHelp.value("KEY=VALUE", Option.Array("-e,--env", { description: "Environment variables to set in the container in the form KEY=value" }))
  endpoints = FlagHelp.value("NAME=PORT", Option.Array("--endpoint", {
    description: "TCP endpoints in the form NAME=PORT. Only valid for worker codespecs."
  }))
  command = Option.Boolean("--command", false, {
    description:
      "If true and extra arguments are present, use them as the 'command' field in the container, rather than the 'args' field which is the default."
  })
  identity = Option.String("--identity", { description: "The workload identity to use for this codespec." })
  cpuRequest = FlagHelp.value("QUANTITY", Option.String("--cpu-request", { description: "CPU cores requested" }))
  memoryRequest = FlagHelp.value("QUANTITY", Option.String("--memory-request", { description: "memory bytes requested" }))
  cpuLimit = FlagHelp.value("QUANTITY", Option.String("--cpu-limit", { description: "CPU cores limit" }))
  memoryLimit = FlagHelp.value("QUANTITY", Option.String("--memory-limit", { description: "memory bytes limit" }))
  gpu = FlagHelp.value("QUANTITY", Option.String("--gpu", { description: "GPUs needed" }))
  shm = FlagHelp.value("QUANTITY", Option.String("--shm", { description: "Size of /dev/shm" }))

  positionals = Option.Rest({ name: "NAME -- [COMMAND] [args...]" })

  /**
   * How many positionals came before `--`, or -1 without `--` (cobra's `ArgsLenAtDash`): clipanion drops `--`, so its
   * position is recovered from the parsed arguments. A getter, so the program reads it with the flags.
   */
  get argsLenAtDash(): number {
    const argv = this.context.argv ?? []
    const dash = argv.indexOf("--")
    return dash < 0 ? -1 : this.positionals.length - (argv.length - dash - 1)
  }

  override async execute(): Promise<number> {
    const { create } = await import("./create.program.ts")
    return this.runProgram(create(this))
  }
}
