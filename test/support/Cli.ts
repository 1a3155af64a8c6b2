// How the end-to-end tests start the CLI: a separate process of the runtime running the test, as bin/tyger would.
import type { ChildProcess } from "node:child_process"
import * as Path from "node:path"
import process from "node:process"
import { fileURLToPath } from "node:url"

const here = (import.meta as { readonly url: string }).url
export const root = fileURLToPath(new URL("../../", here))

/**
 * The built CLI under test, when TYGER_TEST_CLI names it (a bundle directory from scripts/build.sh; scripts/test.sh's
 * `built` pass sets it): the end-to-end suites then run it, on Node, instead of the sources.
 */
const built = process.env.TYGER_TEST_CLI

/** The argv that runs `cli/<entry>` on this runtime (`bin.mjs`, the launcher's entry, unless a test needs `main.ts`). */
export const tygerArgv = (entry: "bin.mjs" | "main.ts" = "bin.mjs"): ReadonlyArray<string> => {
  if (built !== undefined && built !== "") {
    return [process.execPath, "--disable-warning=ExperimentalWarning", Path.join(built, entry === "bin.mjs" ? "bin.mjs" : "main.js")]
  }
  return scriptArgv(Path.join(root, "cli", entry))
}

/** The argv that runs the script `file` (JavaScript or TypeScript) on this runtime. */
export const scriptArgv = (file: string): ReadonlyArray<string> => {
  const g = globalThis as { readonly Bun?: unknown; readonly Deno?: unknown }
  if (g.Bun !== undefined) return [process.execPath, file]
  if (g.Deno !== undefined) return [process.execPath, "run", "-A", file]
  return [process.execPath, "--disable-warning=ExperimentalWarning", file]
}

/** A word for bash. */
export const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`

export interface Finished {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Everything a child process writes, as text, once it has ended. */
/**
 * SIGKILL, as a crash or `kill -9` delivers it. Not `child.kill`: Deno's closes the child's stdin before signalling,
 * and on a loaded machine the child reads that end-of-file first, so it ends cleanly instead of being killed
 * (measured: 4 of 5 killed relay writers delivered a clean end under load).
 */
export const killHard = (child: ChildProcess): void => void process.kill(child.pid!, "SIGKILL")

export const collect = (child: ChildProcess): Promise<Finished> =>
  new Promise((resolve, reject) => {
    let stdout = ""
    let stderr = ""
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })
