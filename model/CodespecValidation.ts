import * as CodespecDocument from "./CodespecDocument.ts"
import * as Problem from "./Problem.ts"

/** Tyger's codespec rules, with Tyger's messages (the CLI's wording where the CLI checks first). */
export const NAME_PATTERN = /^[a-z0-9\-._]*$/
export const NAME_MESSAGE =
  "codespec names must contain only lower case letters (a-z), numbers (0-9), dashes (-), underscores (_), and dots (.)"
const BUFFER_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const VARIABLE_REFERENCE = /\$\$|\$\(([^)]*)\)/g

export const KIND_MESSAGE = "codespec kind must be either 'job', worker' or empty (defaults to 'job')"
export const JOB_ENDPOINTS_MESSAGE = "job codespecs cannot have endpoints"
export const WORKER_BUFFERS_MESSAGE = "worker codespecs cannot have use buffers"

export const validateName = (path: string, name: string): ReadonlyArray<Problem.Problem> =>
  NAME_PATTERN.test(name) ? [] : [Problem.make(path, NAME_MESSAGE)]

const validateBuffers = (path: string, spec: CodespecDocument.Spec): Array<Problem.Problem> => {
  const problems: Array<Problem.Problem> = []
  const seen = new Set<string>()
  const lists = [["inputs", CodespecDocument.inputsOf(spec)], ["outputs", CodespecDocument.outputsOf(spec)]] as const
  for (const [list, names] of lists) {
    names.forEach((name, i) => {
      const at = Problem.at(path, "buffers", list, i)
      if (name.trim() === "") {
        problems.push(Problem.make(at, "A buffer name cannot be empty"))
        return
      }
      const folded = name.toLowerCase()
      if (seen.has(folded)) {
        problems.push(Problem.make(at,
          `All buffer names must be unique across inputs and outputs. Buffer names are case-insensitive. '${name}' is duplicated`))
      }
      seen.add(folded)
      if (!BUFFER_NAME_PATTERN.test(name)) {
        problems.push(Problem.make(at,
          `The name of buffer '${name}' is invalid. Buffer names must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character.`))
      }
    })
  }
  return problems
}

const portProblem = (path: string, port: number): Array<Problem.Problem> =>
  port >= 1 && port <= 65535 ? [] : [Problem.make(path, "Port must be between 1 and 65535")]

const validateSockets = (path: string, spec: CodespecDocument.Spec): Array<Problem.Problem> => {
  const problems: Array<Problem.Problem> = []
  const directions = [
    { direction: "input", field: "inputBuffer", declared: new Set(CodespecDocument.inputsOf(spec)), used: new Set<string>() },
    { direction: "output", field: "outputBuffer", declared: new Set(CodespecDocument.outputsOf(spec)), used: new Set<string>() }
  ] as const
  const socketBuffers = new Set<string>()
  ;(spec.sockets ?? []).forEach((socket, i) => {
    const at = Problem.at(path, "sockets", i)
    problems.push(...portProblem(Problem.at(at, "port"), socket.port))
    if ((socket.inputBuffer ?? "") === "" && (socket.outputBuffer ?? "") === "") {
      problems.push(Problem.make(at, `At least one of the input or output buffer must be specified for socket ${socket.port}`))
    }
    for (const { direction, field, declared, used } of directions) {
      const buffer = socket[field] ?? ""
      if (buffer === "") continue
      if (!declared.has(buffer)) {
        problems.push(Problem.make(Problem.at(at, field),
          `The ${direction} buffer '${buffer}' for socket ${socket.port} is not among the codespec's ${direction} buffer parameters`))
      }
      if (used.has(buffer)) {
        problems.push(Problem.make(Problem.at(at, field), `The ${direction} buffer '${buffer}' is used by multiple sockets`))
      }
      used.add(buffer)
      socketBuffers.add(buffer)
    }
  })
  if (socketBuffers.size > 0) problems.push(...validateSocketReferences(path, spec, socketBuffers))
  return problems
}

const validateSocketReferences = (path: string, spec: CodespecDocument.Spec, buffers: ReadonlySet<string>) => {
  const forbidden = new Set([...buffers].map(CodespecDocument.pipeVariable))
  const problems: Array<Problem.Problem> = []
  const check = (at: string, value: string) => {
    for (const match of value.matchAll(VARIABLE_REFERENCE)) {
      const name = match[1]
      if (name !== undefined && forbidden.has(name)) {
        problems.push(Problem.make(at, `The buffer reference '$(${name})' is not valid because it is used by a socket`))
      }
    }
  }
  ;(spec.command ?? []).forEach((v, i) => check(Problem.at(path, "command", i), v))
  ;(spec.args ?? []).forEach((v, i) => check(Problem.at(path, "args", i), v))
  for (const [k, v] of Object.entries(spec.env ?? {})) check(Problem.at(path, "env", k), v)
  return problems
}

const hasBuffers = (spec: CodespecDocument.Spec) => CodespecDocument.parametersOf(spec).length > 0 || (spec.sockets?.length ?? 0) > 0

/** The kind a spec declares, or the CLI's default: `job`. Undefined when the kind is not a kind. */
export const kindOf = (spec: { readonly kind?: string | undefined }): CodespecDocument.Kind | undefined => {
  const kind = (spec.kind ?? "").toLowerCase()
  return kind === "" || kind === "job" ? "job" : kind === "worker" ? "worker" : undefined
}

/**
 * Every problem of one codespec at once. `expectedKind` is set where the context fixes the kind (a run's `worker:`
 * target); a mismatch is reported instead of failing later.
 */
export const validate = (
  path: string,
  spec: CodespecDocument.Spec,
  options: { readonly expectedKind?: CodespecDocument.Kind } = {}
): ReadonlyArray<Problem.Problem> => {
  const problems: Array<Problem.Problem> = []
  if (spec.name !== undefined && spec.name !== "") problems.push(...validateName(Problem.at(path, "name"), spec.name))
  const kind = kindOf(spec)
  if (kind === undefined) problems.push(Problem.make(Problem.at(path, "kind"), KIND_MESSAGE))
  if (kind === "job" && Object.keys(spec.endpoints ?? {}).length > 0) {
    problems.push(Problem.make(Problem.at(path, "endpoints"), JOB_ENDPOINTS_MESSAGE))
  }
  if (kind === "worker" && hasBuffers(spec)) problems.push(Problem.make(Problem.at(path, "buffers"), WORKER_BUFFERS_MESSAGE))
  if (kind !== undefined && options.expectedKind !== undefined && kind !== options.expectedKind) {
    problems.push(Problem.make(Problem.at(path, "kind"),
      `the ${options.expectedKind === "job" ? "job" : "worker"} target needs a ${options.expectedKind} codespec, but the codespec is a ${kind} codespec`))
  }
  if (spec.image === undefined || spec.image.trim() === "") {
    problems.push(Problem.make(Problem.at(path, "image"), "The image field is required."))
  }
  problems.push(...validateBuffers(path, spec))
  problems.push(...validateSockets(path, spec))
  for (const [name, port] of Object.entries(spec.endpoints ?? {})) {
    problems.push(...portProblem(Problem.at(path, "endpoints", name), port))
  }
  if (spec.maxReplicas !== undefined && spec.maxReplicas < 0) {
    problems.push(Problem.make(Problem.at(path, "maxReplicas"), "maxReplicas must not be negative"))
  }
  return problems
}

/** Validates and settles the kind; the result is usable only when there are no problems. */
export const check = (
  path: string,
  spec: CodespecDocument.Spec,
  options: { readonly expectedKind?: CodespecDocument.Kind } = {}
): { readonly problems: ReadonlyArray<Problem.Problem>; readonly checked: CodespecDocument.Checked } => ({
  problems: validate(path, spec, options),
  checked: { ...spec, kind: kindOf(spec) ?? "job", image: spec.image ?? "" }
})
