// The CLI bundle (scripts/build.sh bundle runs this with Bun): cli/main.ts as ES modules for Node, one chunk per
// command program, with one change to how node:http and node:https are imported.
//
// Node builds an ES-module namespace for a builtin by reading every export, and node:http's `WebSocket`,
// `CloseEvent` and `MessageEvent` are getters that load undici: an .mjs doing `import * as http from "node:http"`
// took 100 ms, one calling process.getBuiltinModule("node:http") 70 ms, an empty one 60 ms (medians of 9). Here
// those two modules come from process.getBuiltinModule, with their exports read once, the undici getters left out
// (nothing in tyger-ts or its dependencies uses them). Usage: bun scripts/bundle.ts OUTDIR
import { execFileSync } from "node:child_process"

const outdir = process.argv[2]
if (outdir === undefined) throw new Error("usage: bun scripts/bundle.ts OUTDIR")

const LAZY = new Set(["WebSocket", "CloseEvent", "MessageEvent"])
const MODULES = ["http", "https"]

// The export names as Node has them (Bun's own node:http differs), without the undici getters.
const exportsOf: Record<string, ReadonlyArray<string>> = JSON.parse(execFileSync("node_modules/.bin/node", [
  "-e",
  `const out = {}; for (const m of ${JSON.stringify(MODULES)}) out[m] = Object.keys(Object.getOwnPropertyDescriptors(require("node:" + m))); console.log(JSON.stringify(out))`
], { encoding: "utf8" }))

const identifier = /^[A-Za-z_$][\w$]*$/

const result = await Bun.build({
  entrypoints: ["cli/main.ts"],
  target: "node",
  format: "esm",
  splitting: true,
  minify: { syntax: true, whitespace: true },
  external: ["@azure/storage-blob", "@pulumi/*"],
  outdir,
  plugins: [{
    name: "builtins-without-undici",
    setup(build) {
      build.onResolve({ filter: /^(node:)?https?$/ }, (args) => ({ path: args.path.replace(/^node:/, ""), namespace: "node-builtin" }))
      build.onLoad({ filter: /.*/, namespace: "node-builtin" }, (args) => {
        const names = (exportsOf[args.path] ?? []).filter((name) => !LAZY.has(name) && identifier.test(name) && name !== "default")
        return {
          loader: "js",
          contents: `const m = process.getBuiltinModule("node:${args.path}");\nexport default m;\n` +
            `export const { ${names.join(", ")} } = m;\n`
        }
      })
    }
  }]
})
if (!result.success) {
  for (const log of result.logs) console.error(log)
  process.exit(1)
}
