import { Effect, FileSystem } from "effect"
import * as Path from "node:path"
import { pathToFileURL } from "node:url"
import * as Workflow from "../../dsl/Workflow.ts"
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
