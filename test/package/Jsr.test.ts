// The package as Deno users would get it from JSR: `deno publish --dry-run` on jsr.json's entry points (the same five
// as package.json's exports, as TypeScript sources) type-checks them under Deno and lists what would be published.
// Published with slow types allowed: Effect's class pattern (`class X extends Schema.TaggedError<X>()(…)`,
// `Context.Service`) is a super-class expression JSR cannot type without inference (see bench/README.md).
//
// Node's runner only: it drives Deno itself.
import assert from "node:assert/strict"
import { execFile } from "node:child_process"
import * as Path from "node:path"
import process from "node:process"
import { describe, test } from "node:test"
import { root } from "../support/Cli.ts"

const g = globalThis as { readonly Bun?: unknown; readonly Deno?: unknown }
const skip: string | false = g.Bun !== undefined || g.Deno !== undefined ? "the Node suite runs deno publish itself" : false

describe("tyger-ts on JSR", () => {
  test("deno publish --dry-run passes and publishes the entry points' modules, not the CLI, stacks or tests", { skip, timeout: 180_000 }, async () => {
    const deno = Path.join(root, "node_modules", ".bin", "deno")
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1" }
    delete env["NODE_TEST_CONTEXT"]
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) =>
      execFile(deno, ["publish", "--dry-run", "--allow-dirty", "--allow-slow-types"], { cwd: root, env, timeout: 170_000, maxBuffer: 16 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, output: stdout + stderr })))
    assert.equal(code, 0, output)
    assert.match(output, /Success Dry run complete/)
    const files = [...output.matchAll(/^\s+(file:\/\/\S+)/gm)].map((m) => Path.relative(root, new URL(m[1]!).pathname))
    for (const entry of ["api/index.ts", "api/library.ts", "api/engine.ts", "api/docker.ts", "api/kubernetes.ts"]) {
      assert.ok(files.includes(entry), `${entry} is not published:\n${files.join("\n")}`)
    }
    assert.deepEqual(files.filter((f) => /^(cli|stacks|test|bench|examples|scripts)\//.test(f)), [])
  })
})
