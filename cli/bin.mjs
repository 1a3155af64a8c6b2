// The process entry for Node on the sources. Plain JavaScript on purpose: a `.ts` entry makes Node start its
// type-stripping loader (~40 ms) before the first line runs, and `tyger --version` must start about as fast as the
// bare runtime (see earlyVersion.mjs). Everything else goes to main.ts, which pays that cost once. The built CLI
// (`npm run build`) has its own entry, bundleEntry.mjs.
import { answerVersion } from "./earlyVersion.mjs"

// The global `process`, never `import … from "node:process"`: on Node that import reads every property of process,
// process.stdin's included, which puts a piped stdin in non-blocking mode (see cli/buffer/Streams.ts).
if (!answerVersion(process.argv.slice(2), new URL("../package.json", import.meta.url))) {
  const isNode = process.versions.bun === undefined && !("Deno" in globalThis)
  if (isNode) {
    const Module = await import("node:module")
    // V8's code cache (NODE_COMPILE_CACHE, else in the temporary directory; NODE_DISABLE_COMPILE_CACHE=1 turns it
    // off), and next to it the modules' stripped text, which Node does not cache.
    Module.enableCompileCache?.()
    const cache = Module.getCompileCacheDir?.()
    if (cache !== undefined) {
      const { register } = await import("./stripCache.mjs")
      register(`${cache}/stripped`, new URL("../", import.meta.url).href)
    }
  }
  await import("./main.ts")
}
