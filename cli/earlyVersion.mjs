// `tyger --version` answered before anything else loads: the fronts (cli/bin.mjs for the sources, bundleEntry.mjs
// for the built CLI) call this first, so that it starts about as fast as the bare runtime. It prints what the
// `--version` command (cli/root/version.ts) prints, which answers it everywhere else (a persistent flag before it);
// test/cli/e2e.test.ts compares the two.
import { readFileSync } from "node:fs"

/** True when argv asked for the version and it was printed, read from the package.json at `packageJson`. */
export const answerVersion = (argv, packageJson) => {
  if (!(argv.length === 1 && (argv[0] === "--version" || argv[0] === "-v"))) return false
  const { version } = JSON.parse(readFileSync(packageJson, "utf8"))
  process.stdout.write(`tyger version ${version}\n`)
  return true
}
