// The CLI's cache of stripped TypeScript (cli/stripCache.mjs), through the real entry on the runtime running this test:
// Node fills it next to its compile cache and answers the same from it; Bun and Deno leave it alone.
import assert from "node:assert/strict"
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { test } from "node:test"
import { commandLine } from "../../cli/MonitorProcess.ts"
import { tempDir } from "../support/Run.ts"

const tyger = (cache: string, dataDir: string, ...args: ReadonlyArray<string>) =>
  new Promise<{ readonly code: number; readonly stdout: string; readonly stderr: string }>((resolve) => {
    const [executable, ...argv] = commandLine([...args, "--data-dir", dataDir])
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_COMPILE_CACHE: cache }
    delete env["NODE_DISABLE_COMPILE_CACHE"]
    execFile(executable!, argv, { env }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }))
  })

/** Every file under `dir`, recursively. */
const files = (dir: string): Array<string> =>
  Fs.existsSync(dir)
    ? Fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => Path.join(e.parentPath, e.name))
    : []

test("stripped modules are stored on the first start on Node and served from the cache on the next", async () => {
  const cache = tempDir("tyger-strip-cache-")
  const dataDir = tempDir("tyger-strip-data-")
  const first = await tyger(cache, dataDir, "codespec", "list")
  assert.deepEqual(first, { code: 0, stdout: "[]\n", stderr: "" })
  const stripped = files(cache).filter((f) => f.split(Path.sep).includes("stripped"))
  const g = globalThis as { readonly Bun?: unknown; readonly Deno?: unknown }
  if (g.Bun !== undefined || g.Deno !== undefined) {
    assert.deepEqual(stripped, [])
    return
  }
  assert.ok(stripped.length > 20, `stripped modules: ${stripped.length}`)
  const again = await tyger(cache, dataDir, "codespec", "list")
  assert.deepEqual(again, first)
  assert.equal(files(cache).filter((f) => f.split(Path.sep).includes("stripped")).length, stripped.length)
})
