import * as pulumi from "@pulumi/pulumi"
import * as Config from "./config.ts"
import { PROGRAMS } from "./programs.ts"

// Pulumi runs this module's default export (and refuses a module that also has named exports); what it returns
// becomes the stack's outputs.
export default async () => {
  const config = Config.read()
  const program = PROGRAMS[config.program]
  if (program === undefined) {
    throw new pulumi.RunError(
      `unknown program '${config.program}': set tyger-ts:program to one of ${Object.keys(PROGRAMS).join(", ")}`
    )
  }
  return program(config)
}
