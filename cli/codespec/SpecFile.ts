import { Effect } from "effect"
import * as Problem from "../../model/Problem.ts"
import * as FileDocuments from "../../engine/files/FileDocuments.ts"
import * as YamlFiles from "../../engine/files/YamlFiles.ts"
import { CliError } from "../CliError.ts"
import * as WorkflowModule from "../plan/WorkflowModule.ts"

const fileError = (messages: ReadonlyArray<string>) => new CliError({ reason: "InvalidFile", messages })

const listed = (names: ReadonlyArray<string>) => names.map((n) => `'${n}'`).join(", ")

/**
 * The codespec of a workflow module: the one named `name`, or the module's only named codespec when no name is given.
 */
const fromModule = Effect.fnUntraced(function*(file: string, name: string | undefined) {
  const workflow = yield* WorkflowModule.load(file)
  const named = workflow.codespecs.filter((c) => c.codespec.name !== undefined)
  const names = named.map((c) => c.codespec.name ?? "")
  const chosen = name !== undefined ? named.find((c) => c.codespec.name === name) : named.length === 1 ? named[0] : undefined
  if (chosen === undefined) {
    if (names.length === 0) return yield* fileError([`the module ${file} exports no named codespec`])
    return yield* fileError([
      name === undefined
        ? `the module ${file} exports several codespecs (${listed(names)}); name the one to create`
        : `the module ${file} exports no codespec named '${name}'; its codespecs are ${listed(names)}`
    ])
  }
  const decoded = FileDocuments.decodeCodespec(chosen.codespec.spec)
  if (decoded.value === undefined) {
    return yield* fileError(decoded.problems.map((p) => `failed to parse file ${file}: ${Problem.render([p])}`))
  }
  return decoded.value
})

/** `-f FILE`: a Tyger codespec YAML file, or (a tyger-ts extension) a workflow module. */
export const load = (file: string, name: string | undefined) =>
  WorkflowModule.isModuleFile(file)
    ? fromModule(file, name)
    : YamlFiles.loadCodespecFile(file)
