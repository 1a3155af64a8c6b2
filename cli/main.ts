// The `tyger` entry point. `--version` is answered before anything else is loaded: it must start as fast as a bare
// runtime. Every other command loads clipanion, and Effect only once a command runs.
import process from "node:process"
import { VERSION } from "./version.ts"

const argv = process.argv.slice(2)

if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  process.stdout.write(`tyger version ${VERSION}\n`)
} else {
  const Cli = await import("./Cli.ts")
  process.exitCode = await Cli.run(argv, { cwd: process.cwd() })
}
