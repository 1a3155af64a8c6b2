import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"
import * as FileOption from "../common/FileOption.ts"
import * as VersionNumber from "../../model/VersionNumber.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

/**
 * The flags `tyger run create` and `tyger run exec` share (Tyger's `newRunCreateCommandCore`), in Tyger's order.
 * Values stay text: the program applies pflag's parsing and Tyger's checks, in Tyger's order (RunFromFlags.runOf,
 * which reads them as `Flags<RunCreateFlags>`).
 */
export abstract class RunCreateFlags extends BaseCommand {
  file = FileOption.file()
  codespec = Option.String("-c,--codespec", { description: "The name of the job codespec to execute" })
  version = Option.String("--version", { description: "The version of the job codespec to execute" })
  replicas = Option.String("-r,--replicas", { description: "The number of parallel job replicas. Defaults to 1." })
  nodePool = Option.String("--node-pool", { description: "The name of the nodepool to execute the job in" })
  buffers = FlagHelp.value("NAME=ID", Option.Array("-b,--buffer", { description: "Maps a codespec buffer parameter to a buffer ID" }))
  bufferTags = FlagHelp.value("KEY=VALUE", Option.Array("--buffer-tag", {
    description: "A key-value tag to be applied to any buffer created by the job. Can be specified multiple times."
  }))
  bufferTtl = FlagHelp.value("D.HH:MM", Option.String("--buffer-ttl", {
    description: "The time-to-live for any buffer created by the job (format D.HH:MM)"
  }))
  bufferAccessTtl = Option.String("--buffer-access-ttl", { hidden: true })

  workerCodespec = FlagHelp.value("CODESPEC", Option.String("--worker-codespec", { description: "The name of the optional worker codespec to execute" }))
  workerVersion = FlagHelp.value("VERSION", Option.String("--worker-version", {
    description: "The version of the optional worker codespec to execute"
  }))
  workerReplicas = FlagHelp.value("REPLICAS", Option.String("--worker-replicas", {
    description: "The number of parallel worker replicas. Defaults to 1 if a worker is specified."
  }))
  workerNodePool = FlagHelp.value("NODE_POOL", Option.String("--worker-node-pool", {
    description: "The name of the nodepool to execute the optional worker codespec in"
  }))

  cluster = Option.String("--cluster", { description: "The name of the cluster to execute in" })
  timeout = FlagHelp.value("DURATION", Option.String("--timeout", {
    description:
      "How log before the run times out. Specified in a sequence of decimal numbers, each with optional fraction and a unit suffix, such as \"300s\", \"1.5h\" or \"2h45m\". Valid time units are \"s\", \"m\", \"h\""
  }))
  tags = FlagHelp.value("KEY=VALUE", Option.Array("--tag", { description: "A key-value tag to be added to the run. Can be specified multiple times." }))
  pull = Option.Boolean("--pull", false, {
    description: "Pull container images. Applies only to Tyger running in Docker."
  })

  positionals = Option.Rest()

  /**
   * `--version`/`--worker-version` beyond an int32 (`-c a --version 99999999999999999999`): Tyger's server refuses the
   * reference when it reads it, with this message; the store could not even represent the number. Checked before the
   * program runs, as nothing else about the run depends on it.
   */
  override async validateAndExecute(): Promise<number> {
    const problems = [
      versionProblem(this.codespec, this.version),
      versionProblem(this.workerCodespec, this.workerVersion)
    ].filter((p) => p !== undefined)
    return problems.length > 0 ? this.fail(problems) : super.validateAndExecute()
  }
}

const versionProblem = (codespec: string | undefined, version: string | undefined): string | undefined => {
  if (codespec === undefined || codespec === "" || version === undefined || !/^[0-9]+$/.test(version)) return undefined
  if (!/^[a-z0-9\-._]+$/.test(codespec)) return undefined
  const problem = VersionNumber.versionProblem(codespec, version)
  return problem === undefined ? undefined : `InvalidInput: ${problem}`
}
