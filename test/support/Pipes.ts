// Programs played by host shells, and fresh FIFOs for them: what the FIFO tests of the engine and the Docker provider
// drive their pipe ends against.
import { spawn } from "node:child_process"
import * as Path from "node:path"
import * as Fifo from "../../engine/pipes/Fifo.ts"
import { tempDir } from "./Run.ts"

/** Runs `script` with `sh -c`; resolves with its exit code and what it printed. */
export const sh = (script: string): Promise<{ code: number | null; stdout: string }> =>
  new Promise((resolve) => {
    const child = spawn("sh", ["-c", script], { stdio: ["ignore", "pipe", "inherit"] })
    let stdout = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.on("close", (code) => resolve({ code, stdout }))
  })

/** A new FIFO in a new temporary directory. */
export const fifo = async (name = "p.pipe"): Promise<string> => {
  const path = Path.join(tempDir("tyger-fifo-"), name)
  await Fifo.make([path])
  return path
}
