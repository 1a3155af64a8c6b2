import { pathsOf, usage } from "../BaseCommand.ts"
import { RunCreateFlags } from "./CreateFlags.ts"

export class RunCreateCommand extends RunCreateFlags {
  static override paths = pathsOf("run", "create")

  static override usage = usage("Runs", "Creates a run.", {
    details: `
      Creates a run. Writes the run ID to stdout on success.

      The run is supervised by a background \`tyger run monitor\` process (tyger-ts has no server), so it goes on after
      this command returns; its buffers are written and read with \`tyger buffer write\` and \`tyger buffer read\`.
    `,
    examples: [
      ["Run the latest version of a codespec on existing buffers", "$0 run create --codespec hello --buffer input=$INPUT_ID --buffer output=$OUTPUT_ID"],
      ["Run a run file, tagging the run", "$0 run create -f run.yml --tag project=demo"]
    ]
  })

  override async execute(): Promise<number> {
    const { create } = await import("./create.program.ts")
    return this.runRunProgram(create(this), "detached")
  }
}
