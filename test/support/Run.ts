// Test helpers shared by every test file. Runtime-neutral: works under Node 22 (node --test), Bun and Deno.
import { Effect } from "effect"
import { after } from "node:test"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

/**
 * Runs an Effect that needs no services and resolves with its value.
 * On failure the promise rejects with the squashed cause (the original error
 * value for `Effect.fail(e)`, the defect for `Effect.die(d)`), so
 * `assert.rejects(runEffect(eff), MyError)` works.
 */
export const runEffect = <A, E>(effect: Effect.Effect<A, E>, options?: Effect.RunOptions): Promise<A> =>
  Effect.runPromise(effect, options)

const created: string[] = []

const cleanup = (): void => {
  for (const dir of created.splice(0)) {
    try {
      fs.rmSync(dir, { recursive: true, force: true })
    } catch {
      // best effort: a leftover temp dir must never fail the test run
    }
  }
}

// File-level `after` hook: runs when the importing test file is done, under node --test, bun test
// (--isolate/--parallel: one module instance per file) and deno test (one worker per file), where
// process "exit" is not reliably emitted. The "exit" listener is a fallback for other callers.
after(cleanup)
process.once("exit", cleanup)

/**
 * A fresh, empty temporary directory (fs.mkdtempSync under os.tmpdir()), removed
 * recursively when the test file finishes (or the process exits).
 */
export const tempDir = (prefix = "tyger-ts-test-"): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  created.push(dir)
  return dir
}

export const sleep = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis))

/** Polls `condition` every 25 ms until it holds; fails naming `what` after `timeoutMillis`. */
export const waitFor = async (condition: () => boolean, what: string, timeoutMillis = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMillis
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(25)
  }
}
