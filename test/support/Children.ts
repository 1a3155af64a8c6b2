// Child processes of a test, run under the runtime running the test (Node, Bun or Deno), for what one process cannot
// show: races between processes, a monitor killed from outside.
import { type ChildProcess, spawn } from "node:child_process"
import process from "node:process"
import { fileURLToPath } from "node:url"

/** The repository root: children run from there, so their relative imports resolve as the tests' do. */
export const repoRoot = fileURLToPath(new URL("../../", (import.meta as { readonly url: string }).url))

/** The arguments that make `process.execPath` run the TypeScript file `script` with `args`. */
export const scriptArgv = (script: string, args: ReadonlyArray<string>): Array<string> =>
  "Deno" in globalThis
    ? ["run", "-A", script, ...args]
    : "Bun" in globalThis
    ? ["run", script, ...args]
    : ["--disable-warning=ExperimentalWarning", script, ...args]

/** Starts `script` with `args` from the repository root. */
export const spawnScript = (
  script: string,
  args: ReadonlyArray<string>,
  stdio: "pipe" | ["ignore", "pipe", "inherit"] = "pipe"
): ChildProcess => spawn(process.execPath, scriptArgv(script, args), { cwd: repoRoot, stdio })

export interface RaceResult {
  readonly code: number | null
  /** What the child printed after its `ready` line. */
  readonly stdout: string
  readonly stderr: string
}

/**
 * Races children of `script`: each prints `ready` once set up, and only when all are ready are they released
 * together (`go` on their stdin), so their critical sections overlap as closely as processes can make them.
 */
export const race = async (
  script: string,
  argsOf: ReadonlyArray<ReadonlyArray<string>>
): Promise<ReadonlyArray<RaceResult>> => {
  const children = argsOf.map((args) => {
    const child = spawnScript(script, args)
    let stdout = ""
    let stderr = ""
    let signalReady: () => void = () => {}
    const ready = new Promise<void>((resolve) => (signalReady = resolve))
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      if (stdout.startsWith("ready\n")) signalReady()
    })
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    const done = new Promise<RaceResult>((resolve) =>
      child.on("close", (code) => {
        signalReady()
        resolve({ code, stdout: stdout.replace(/^ready\n/, ""), stderr })
      })
    )
    return { child, ready, done }
  })
  await Promise.all(children.map(({ ready }) => ready))
  for (const { child } of children) child.stdin!.end("go\n")
  return Promise.all(children.map(({ done }) => done))
}
