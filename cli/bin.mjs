// The process entry for Node. Plain JavaScript on purpose: a `.ts` entry makes Node start its type-stripping loader
// (~40 ms) before the first line runs, and `tyger --version` must start about as fast as the bare runtime.
// Everything else goes to main.ts, which pays that cost once.
import { readFileSync } from "node:fs"

const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v")) {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
  process.stdout.write(`tyger version ${version}\n`)
} else {
  await import("./main.ts")
}
