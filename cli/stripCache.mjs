// A cache of the CLI's TypeScript modules with their types stripped, for Node. Node strips the types of every `.ts`
// module each time it loads it (a WebAssembly build of swc, ≈ 0.15 s of every command's start here), and its compile
// cache keeps only V8's code for the stripped text. Stripping is a pure function of the source, so the result is
// stored under the SHA-1 of the source and read back on the next start; a changed file simply misses.
// Plain JavaScript: it must run before the first `.ts` module is loaded.
import { createHash } from "node:crypto"
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs"
import { registerHooks, stripTypeScriptTypes } from "node:module"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

/**
 * Serves the `.ts` modules under `root` (a `file:` URL ending in `/`: the package's own, which are ES modules with
 * erasable types only) from `directory`, stripping and storing those it does not hold. A user's workflow module is
 * left to Node. Returns false (and changes nothing) where Node's synchronous load hooks are missing: Bun and Deno
 * load TypeScript themselves.
 */
export const register = (directory, root) => {
  if (typeof registerHooks !== "function" || typeof stripTypeScriptTypes !== "function") return false
  // Node's version is part of the key: another swc may strip differently.
  const prefix = `${process.version}\0`
  let writable = true
  registerHooks({
    load(url, context, nextLoad) {
      if (!url.startsWith(root) || !url.endsWith(".ts")) return nextLoad(url, context)
      const source = readFileSync(fileURLToPath(url), "utf8")
      const file = join(directory, createHash("sha1").update(prefix).update(source).digest("hex"))
      let stripped
      try {
        stripped = readFileSync(file, "utf8")
      } catch {
        stripped = stripTypeScriptTypes(source)
        if (writable) {
          try {
            mkdirSync(directory, { recursive: true })
            // Written aside and renamed: a concurrent start never reads half a file.
            const partial = `${file}.${process.pid}`
            writeFileSync(partial, stripped)
            renameSync(partial, file)
          } catch {
            writable = false
          }
        }
      }
      return { format: "module", source: stripped, shortCircuit: true }
    }
  })
  return true
}
