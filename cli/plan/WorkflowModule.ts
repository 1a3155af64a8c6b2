import { Effect, FileSystem } from "effect"
import * as Path from "node:path"
import { pathToFileURL } from "node:url"
import * as Codespec from "../../dsl/Codespec.ts"
import * as Workflow from "../../dsl/Workflow.ts"
import * as YamlFiles from "../../engine/files/YamlFiles.ts"
import * as CodespecDocument from "../../model/CodespecDocument.ts"
import { CliError } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"

/** A tyger-ts extension: `-f`/`plan` also take a TypeScript (or JavaScript) workflow module. */
export const isModuleFile = (file: string): boolean => /\.(?:[cm]?ts|[cm]?js)$/i.test(file)

const fileError = (message: string) => new CliError({ reason: "InvalidFile", messages: [message] })

/** Imports the module (running its top level, as `import` does) and collects its exported runs and codespecs. */
export const load = Effect.fn("workflowModule.load")(function*(file: string) {
  const io = yield* CliIo
  const fs = yield* FileSystem.FileSystem
  const absolute = Path.resolve(io.cwd, file)
  const exists = yield* fs.exists(absolute).pipe(Effect.orElseSucceed(() => false))
  if (!exists) return yield* fileError(`failed to read file ${file}: open ${file}: no such file or directory`)
  const exports = yield* Effect.tryPromise({
    try: () => import(pathToFileURL(absolute).href) as Promise<{ readonly [name: string]: unknown }>,
    catch: (cause) => cause
  }).pipe(Effect.catch((cause) =>
    // The renderer is loaded only once something has failed (see Errors.ts).
    Effect.flatMap(
      Effect.promise(() => import("../Errors.ts")),
      (Errors) => Effect.fail(fileError(`failed to load module ${file}: ${Errors.messageOf(cause)}`))
    )
  ))
  return Workflow.fromModule(exports)
})

const MAX_RUN_NAME = 52

/** A run file's run is named after the file: `nightly_report.yaml` → `nightly-report`. */
export const runNameOf = (file: string): string => {
  const base = Path.basename(file).replace(/\.[^.]*$/, "")
  const name = Workflow.kebab(base).replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, MAX_RUN_NAME)
  return name.replace(/-+$/, "") || "run"
}

/** A Tyger YAML file: a run file when it has a top-level `job:`, else a codespec file. */
const fromYaml = Effect.fnUntraced(function*(file: string) {
  const document = yield* YamlFiles.loadDocument(file)
  if (typeof document === "object" && document !== null && !Array.isArray(document) && "job" in document) {
    const name = runNameOf(file)
    const run = yield* YamlFiles.loadRunFile(file, name)
    return Workflow.make({ runs: { [name]: run } })
  }
  const spec = yield* YamlFiles.loadCodespecFile(file)
  return Workflow.make({ codespecs: [Codespec.fromSpec(CodespecDocument.encode(spec))] })
})

/** FILE as `tyger plan` and `tyger apply` take it: a workflow module, or a Tyger YAML run or codespec file. */
export const fromFile = (file: string) => (isModuleFile(file) ? load(file) : fromYaml(file))
