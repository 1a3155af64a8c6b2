import * as CodespecDocument from "./CodespecDocument.ts"
import * as Problem from "./Problem.ts"
import * as Quantity from "./Quantity.ts"

/** Tyger's codespec rules, with Tyger's messages (the CLI's wording where the CLI checks first). */
export const NAME_PATTERN = /^[a-z0-9\-._]*$/
export const NAME_MESSAGE =
  "codespec names must contain only lower case letters (a-z), numbers (0-9), dashes (-), underscores (_), and dots (.)"
const BUFFER_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const VARIABLE_REFERENCE = /\$\$|\$\(([^)]*)\)/g

export const KIND_MESSAGE = "codespec kind must be either 'job', worker' or empty (defaults to 'job')"
export const JOB_ENDPOINTS_MESSAGE = "job codespecs cannot have endpoints"
export const WORKER_BUFFERS_MESSAGE = "worker codespecs cannot have use buffers"

/**
 * Bounds Tyger itself does not set, so that nothing absurd is stored (a 10 MB name): codespec names and env keys as
 * long as a Kubernetes object name (a DNS subdomain, 253), buffer names as a DNS label (63) — their pattern is the
 * DNS label's — and image references well above the longest Docker accepts (a 255-character name, a 128-character
 * tag and a digest).
 */
export const MAX_NAME_LENGTH = 253
export const MAX_BUFFER_NAME_LENGTH = 63
export const MAX_IMAGE_LENGTH = 1024

export const NAME_LENGTH_MESSAGE = `codespec names must be at most ${MAX_NAME_LENGTH} characters long`

/** A user's text quoted in a message: control characters escaped, and cut short, so no message can be huge. */
export const preview = (text: string): string => {
  const escaped = JSON.stringify(text.length > 64 ? text.slice(0, 64) : text).slice(1, -1).replaceAll("\\\"", "\"")
  return text.length > 64 ? `${escaped}...` : escaped
}

export const validateName = (path: string, name: string): ReadonlyArray<Problem.Problem> =>
  name.length > MAX_NAME_LENGTH
    ? [Problem.make(path, NAME_LENGTH_MESSAGE)]
    : NAME_PATTERN.test(name) ? [] : [Problem.make(path, NAME_MESSAGE)]

// Kubernetes' rule for environment variable names (IsEnvVarName), which the plan compiler applies to derived env
// values too; it rules out '', '=' (Docker would split the pair there) and NUL (which no process environment holds).
export const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/

const validateEnv = (path: string, spec: CodespecDocument.Spec): Array<Problem.Problem> => {
  const problems: Array<Problem.Problem> = []
  for (const name of Object.keys(spec.env ?? {})) {
    const at = Problem.at(path, "env", preview(name))
    if (name === "") problems.push(Problem.make(at, "An environment variable name cannot be empty"))
    else if (name.length > MAX_NAME_LENGTH) {
      problems.push(Problem.make(at,
        `The environment variable name '${preview(name)}' is invalid. Environment variable names must be at most ${MAX_NAME_LENGTH} characters long.`))
    } else if (!ENV_NAME.test(name)) {
      problems.push(Problem.make(at,
        `The environment variable name '${preview(name)}' is invalid. Environment variable names must consist of letters, digits, '_', '-' or '.', and must not start with a digit.`))
    }
  }
  return problems
}

// Docker's reference grammar (distribution/reference), loosely: upper case is let through (Docker refuses it when
// pulling, with its own message), but whitespace, control characters and stray punctuation are not. Separators and
// components alternate, so matching is linear.
const COMPONENT = "[A-Za-z0-9]+(?:[._-]+[A-Za-z0-9]+)*"
const DOMAIN = `(?:${COMPONENT}|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?`
const TAG = "[\\w][\\w.-]{0,127}"
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}"
const IMAGE_REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`)

const validateImage = (path: string, image: string | undefined): Array<Problem.Problem> => {
  if (image === undefined || image.trim() === "") return [Problem.make(Problem.at(path, "image"), "The image field is required.")]
  if (image.length <= MAX_IMAGE_LENGTH && IMAGE_REFERENCE.test(image)) return []
  return [Problem.make(Problem.at(path, "image"),
    `The image '${preview(image)}' is not a valid image reference. It should be in the form '[registry/]repository[:tag][@digest]', e.g. 'ubuntu:24.04'.`)]
}

// Kubernetes keeps a quantity's milli-value in an int64 (CPU is read in millicores), and no resource is negative.
const MAX_QUANTITY = Quantity.unsafeParse("9223372036854775807m")

/** Every quantity of a codespec's `resources`, by the name messages give it and its path under `resources`. */
export const QUANTITIES = [
  ["cpu request", ["requests", "cpu"]],
  ["memory request", ["requests", "memory"]],
  ["cpu limit", ["limits", "cpu"]],
  ["memory limit", ["limits", "memory"]],
  ["gpu", ["gpu"]],
  ["shm", ["shm"]]
] as const

const quantityAt = (resources: CodespecDocument.Resources, field: ReadonlyArray<string>): Quantity.Quantity | undefined => {
  const [first, second] = field
  if (first === "requests" || first === "limits") {
    const list = resources[first]
    return second === "cpu" || second === "memory" ? list?.[second] : undefined
  }
  return first === "gpu" || first === "shm" ? resources[first] : undefined
}

/** Resource quantities Kubernetes can hold: messages in the CLI's `<what> value is invalid: ...` wording. */
const validateResources = (path: string, spec: CodespecDocument.Spec): Array<Problem.Problem> => {
  const resources = spec.resources
  if (resources === undefined) return []
  const problems: Array<Problem.Problem> = []
  for (const [label, field] of QUANTITIES) {
    const quantity = quantityAt(resources, field)
    if (quantity === undefined) continue
    const at = Problem.at(path, "resources", ...field)
    if (quantity.mantissa < 0n) {
      problems.push(Problem.make(at, `${label} value is invalid: must be greater than or equal to 0, got '${quantity}'`))
    } else if (Quantity.compare(quantity, MAX_QUANTITY) > 0) {
      problems.push(Problem.make(at,
        `${label} value is invalid: must be at most ${MAX_QUANTITY}, got '${preview(quantity.toString())}'`))
    }
  }
  return problems
}

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
      if (name.length > MAX_BUFFER_NAME_LENGTH) {
        problems.push(Problem.make(at,
          `The name of buffer '${preview(name)}' is invalid. Buffer names must be at most ${MAX_BUFFER_NAME_LENGTH} characters long.`))
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
  problems.push(...validateImage(path, spec.image))
  problems.push(...validateBuffers(path, spec))
  problems.push(...validateSockets(path, spec))
  for (const [name, port] of Object.entries(spec.endpoints ?? {})) {
    const at = Problem.at(path, "endpoints", preview(name))
    if (name === "") problems.push(Problem.make(at, "An endpoint name cannot be empty"))
    else if (name.length > MAX_NAME_LENGTH) {
      problems.push(Problem.make(at, `The endpoint name '${preview(name)}' is too long. Endpoint names must be at most ${MAX_NAME_LENGTH} characters long.`))
    }
    problems.push(...portProblem(at, port))
  }
  problems.push(...validateEnv(path, spec))
  problems.push(...validateResources(path, spec))
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
