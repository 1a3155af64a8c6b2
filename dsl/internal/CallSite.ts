/**
 * Where a builder was called from, so that a problem found later by `compile` points at the user's line
 * (`workflow.ts:12:3`) rather than at a plan path the user has to translate back.
 *
 * The stack is read from an Error, as Node, Bun and Deno all print V8-style frames (`at f (file:///x.ts:12:3)` or
 * `at file:///x.ts:12:3`). Frames inside tyger-ts' own sources are skipped: the first frame left is the caller's.
 */

// The package root: this file is dsl/internal/CallSite.ts in the sources and dist/dsl/internal/CallSite.js when built.
const ROOT = new URL("../../", (import.meta as { readonly url: string }).url).href

/**
 * Our folders whose frames are never the user's; dsl/library is not among them (its codespecs are defined there). The
 * last is this module's own folder: in the built CLI (`npm run build`) that is the bundle, which holds all of them.
 */
const OWN = ["dsl/", "engine/", "model/", "cli/", "api/", "providers/", "stacks/", "bin/"]
  .map((folder) => toPath(ROOT + folder))
  .concat(toPath(new URL("./", (import.meta as { readonly url: string }).url).href))
const LIBRARY = toPath(ROOT + "dsl/library/")

const FRAME = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):(\d+)\)?\s*$/

function toPath(location: string): string {
  if (!location.startsWith("file://")) return location
  const path = decodeURIComponent(location.slice("file://".length))
  // file:///C:/x → C:/x on Windows; file:///x → /x elsewhere.
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path
}

/** Effect's fibers run builders called from an Effect program (a YAML run file's): their frames are not the user's. */
const RUNTIME = /[\\/]node_modules[\\/](?:effect|@effect[\\/][^\\/]+)[\\/]/

const isOwn = (file: string): boolean =>
  (!file.startsWith(LIBRARY) && OWN.some((folder) => file.startsWith(folder))) || RUNTIME.test(file)

/** `file:line:column` of the first caller outside tyger-ts, or undefined when the stack does not show one. */
export const capture = (): string | undefined => {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 30
  const stack = new Error().stack ?? ""
  Error.stackTraceLimit = limit
  for (const line of stack.split("\n").slice(1)) {
    const match = FRAME.exec(line.trim())
    if (match === null) continue
    const file = toPath(match[1]!)
    // Only files: not the runtimes' own frames (`node:internal/…`, Bun's `native` and `internal:shared`).
    if (!(file.startsWith("/") || /^[A-Za-z]:[\\/]/.test(file)) || isOwn(file)) continue
    return `${file}:${match[2]}:${match[3]}`
  }
  return undefined
}
