// The built CLI's entry (`npm run build` copies it into the bundle as bin.mjs; see scripts/build.sh): the same early
// answer to `--version` as cli/bin.mjs, then V8's code cache and the bundle's main. Nothing is type-stripped here,
// and the bundle is one module graph of ~170 files instead of the sources' ~970: that is where start-up goes.
import { answerVersion } from "./earlyVersion.mjs"

// The build writes package.json (version, "type": "module") beside this file.
if (!answerVersion(process.argv.slice(2), new URL("./package.json", import.meta.url))) {
  const Module = await import("node:module")
  // NODE_COMPILE_CACHE, else the temporary directory; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
  Module.enableCompileCache?.()
  await import("./main.js")
}
