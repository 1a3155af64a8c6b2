import { Effect, Result } from "effect"
import * as CodespecDocument from "../../model/CodespecDocument.ts"
import * as CodespecValidation from "../../model/CodespecValidation.ts"
import type * as Problem from "../../model/Problem.ts"
import * as Quantity from "../../model/Quantity.ts"
import { Codespecs } from "../../engine/codespecs/Codespecs.ts"
import type { Flags } from "../BaseCommand.ts"
import { CliError, invalidArguments } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import * as Pflag from "../Pflag.ts"
import { goList } from "../common/Args.ts"
import type { CodespecCreateCommand } from "./create.ts"
import * as SpecFile from "./SpecFile.ts"

/** `tyger codespec create`'s flags as given; everything is parsed and checked here, as Tyger's RunE does. */
type CreateFlags = Flags<CodespecCreateCommand>

// Messages Tyger's CLI produces itself print bare; everything else is what its server would answer (400 InvalidInput).
const CLIENT_MESSAGES: ReadonlySet<string> = new Set([
  CodespecValidation.NAME_MESSAGE,
  CodespecValidation.KIND_MESSAGE,
  CodespecValidation.JOB_ENDPOINTS_MESSAGE,
  CodespecValidation.WORKER_BUFFERS_MESSAGE
])

/** The list and map flags, parsed as pflag parses them. */
interface FlagValues {
  readonly inputs: ReadonlyArray<string> | undefined
  readonly outputs: ReadonlyArray<string> | undefined
  readonly env: Readonly<Record<string, string>> | undefined
  readonly endpoints: Readonly<Record<string, number>> | undefined
}

const given = <A>(
  occurrences: ReadonlyArray<string> | undefined,
  parse: (values: ReadonlyArray<string>) => Pflag.Parsed<A>
): Pflag.Parsed<A | undefined> => (occurrences === undefined ? Result.succeed(undefined) : parse(occurrences))

// pflag rejects a malformed value while parsing the command line, before the command runs.
const parseFlagValues = (flags: CreateFlags): Pflag.Parsed<FlagValues> => {
  const inputs = given(flags.inputs, (v) => Pflag.stringSlice(Pflag.flagLabel("input", "i"), v))
  if (Result.isFailure(inputs)) return Result.fail(inputs.failure)
  const outputs = given(flags.outputs, (v) => Pflag.stringSlice(Pflag.flagLabel("output", "o"), v))
  if (Result.isFailure(outputs)) return Result.fail(outputs.failure)
  const env = given(flags.env, (v) => Pflag.stringToString(Pflag.flagLabel("env", "e"), v))
  if (Result.isFailure(env)) return Result.fail(env.failure)
  const endpoints = given(flags.endpoints, (v) => Pflag.stringToInt(Pflag.flagLabel("endpoint"), v))
  if (Result.isFailure(endpoints)) return Result.fail(endpoints.failure)
  return Result.succeed({ inputs: inputs.success, outputs: outputs.success, env: env.success, endpoints: endpoints.success })
}

/** The codespec name and the container arguments, with Tyger's positional-argument rules. */
const positionalsOf = Effect.fnUntraced(function*(flags: CreateFlags, spec: CodespecDocument.Spec, hasFile: boolean) {
  const { positionals, argsLenAtDash } = flags
  const nameGiven = positionals.length > 0 && argsLenAtDash !== 0
  let name: string
  // An empty NAME counts as none: Tyger would send `PUT /codespecs/`, which names no codespec.
  if (hasFile) {
    if (nameGiven) name = positionals[0] ?? ""
    else name = spec.name ?? ""
    if (name === "") return yield* invalidArguments("a name for the codespec must be required")
  } else {
    name = nameGiven ? positionals[0] ?? "" : ""
    if (name === "") return yield* invalidArguments("if -f|--file is not provided, a name for the codespec is required")
  }
  if (positionals.length > 1 && argsLenAtDash === -1) {
    return yield* invalidArguments(
      `unexpected positional args ${goList(positionals.slice(1))}. Container arguments must be preceded by -- and placed at the end of the command-line`
    )
  }
  if (positionals.length > 1 && argsLenAtDash > 1) {
    return yield* invalidArguments(`unexpected positional args before container args: ${goList(positionals.slice(1, argsLenAtDash))}`)
  }
  return { name, containerArgs: argsLenAtDash > -1 ? positionals.slice(argsLenAtDash) : undefined }
})

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** Flags override the file only where given; resources merge field by field. */
const overlay = (
  spec: CodespecDocument.Spec,
  flags: CreateFlags,
  values: FlagValues,
  name: string,
  containerArgs: ReadonlyArray<string> | undefined
) => {
  const client: Array<string> = []
  const quantities: Array<string> = []
  const out: Mutable<CodespecDocument.Spec> = { ...spec, name }
  if (flags.image !== undefined) out.image = flags.image
  if (values.inputs !== undefined) out.buffers = { ...out.buffers, inputs: values.inputs }
  if (values.outputs !== undefined) out.buffers = { ...out.buffers, outputs: values.outputs }
  if (values.env !== undefined) out.env = values.env
  if (flags.identity !== undefined) out.identity = flags.identity
  if (values.endpoints !== undefined) out.endpoints = values.endpoints
  if (flags.maxReplicas !== undefined && flags.maxReplicas !== "") {
    const replicas = Pflag.atoi(flags.maxReplicas)
    if (Result.isSuccess(replicas)) out.maxReplicas = replicas.success
    else client.push(`max-replicas must be an integer, got ${flags.maxReplicas}`)
  }
  // The file's kind is taken as written; only the flag is lower-cased.
  const kind = spec.kind !== undefined && spec.kind !== "" ? spec.kind : (flags.kind ?? "job").toLowerCase()
  if (kind !== "job" && kind !== "worker") client.push(CodespecValidation.KIND_MESSAGE)
  out.kind = kind
  if (containerArgs !== undefined) {
    if (flags.command) out.command = containerArgs
    else out.args = containerArgs
  }
  const quantity = (value: string | undefined, what: string): Quantity.Quantity | undefined => {
    if (value === undefined) return undefined
    const parsed = Quantity.parseQuantity(value)
    if (Result.isSuccess(parsed)) return parsed.success
    quantities.push(`${what} value is invalid: ${parsed.failure}`)
    return undefined
  }
  const requests = { cpu: quantity(flags.cpuRequest, "cpu request"), memory: quantity(flags.memoryRequest, "memory request") }
  const limits = { cpu: quantity(flags.cpuLimit, "cpu limit"), memory: quantity(flags.memoryLimit, "memory limit") }
  const gpu = quantity(flags.gpu, "gpu")
  const shm = quantity(flags.shm, "shm")
  const resources: Mutable<CodespecDocument.Resources> = { ...out.resources }
  const mergeList = (list: CodespecDocument.Resources["requests"], patch: typeof requests) => ({
    ...list,
    ...(patch.cpu === undefined ? {} : { cpu: patch.cpu }),
    ...(patch.memory === undefined ? {} : { memory: patch.memory })
  })
  if (requests.cpu !== undefined || requests.memory !== undefined) resources.requests = mergeList(resources.requests, requests)
  if (limits.cpu !== undefined || limits.memory !== undefined) resources.limits = mergeList(resources.limits, limits)
  if (gpu !== undefined) resources.gpu = gpu
  if (shm !== undefined) resources.shm = shm
  if (Object.keys(resources).length > 0) out.resources = resources
  return { spec: out as CodespecDocument.Spec, client, quantities }
}

const NAME_MESSAGES: ReadonlySet<string> = new Set([CodespecValidation.NAME_MESSAGE, CodespecValidation.NAME_LENGTH_MESSAGE])

/**
 * Every problem at once: Tyger's client-side checks first (in its order), then what its server would reject.
 * Quantities Kubernetes cannot hold read as the CLI's own quantity errors (`gpu value is invalid: ...`).
 */
const problemsOf = (
  spec: CodespecDocument.Spec,
  name: string,
  checks: { readonly client: ReadonlyArray<string>; readonly quantities: ReadonlyArray<string> }
): ReadonlyArray<string> => {
  const validation = CodespecValidation.validate("", spec)
  const isQuantity = (p: Problem.Problem) => p.path.startsWith("resources.")
  const messages = (keep: (p: Problem.Problem) => boolean) => validation.filter(keep).map((p) => p.message)
  const lines = [
    ...CodespecValidation.validateName("", name).map((p) => p.message),
    ...checks.client,
    ...messages((p) => CLIENT_MESSAGES.has(p.message) && !NAME_MESSAGES.has(p.message)),
    ...checks.quantities,
    ...messages(isQuantity),
    ...messages((p) => !CLIENT_MESSAGES.has(p.message) && !NAME_MESSAGES.has(p.message) && !isQuantity(p))
      .map((m) => `InvalidInput: ${m}`)
  ]
  return [...new Set(lines)]
}

/** An empty `-i`/`-o` value, which pflag reads as no names at all, stays an (empty, refused) name. */
const keepEmpty = (occurrences: ReadonlyArray<string> | undefined, names: ReadonlyArray<string> | undefined) =>
  names !== undefined && occurrences?.includes("") === true ? [...names, ""] : names

export const create = Effect.fn("codespec.create")(function*(flags: CreateFlags) {
  const parsed = parseFlagValues(flags)
  if (Result.isFailure(parsed)) return yield* invalidArguments(parsed.failure)
  const values: FlagValues = {
    ...parsed.success,
    inputs: keepEmpty(flags.inputs, parsed.success.inputs),
    outputs: keepEmpty(flags.outputs, parsed.success.outputs)
  }
  const hasFile = flags.file !== undefined && flags.file !== ""
  const requested = flags.positionals.length > 0 && flags.argsLenAtDash !== 0 ? flags.positionals[0] : undefined
  const fileSpec: CodespecDocument.Spec = hasFile ? yield* SpecFile.load(flags.file ?? "", requested) : {}
  const { name, containerArgs } = yield* positionalsOf(flags, fileSpec, hasFile)
  const { spec, ...checks } = overlay(fileSpec, flags, values, name, containerArgs)
  const problems = problemsOf(spec, name, checks)
  if (problems.length > 0) {
    const reason = problems.some((p) => p.startsWith("InvalidInput: ")) ? "InvalidInput" : "InvalidArguments"
    return yield* new CliError({ reason, messages: problems })
  }
  const codespecs = yield* Codespecs
  const stored = yield* codespecs.publish(name, spec)
  const io = yield* CliIo
  yield* io.out(`${stored.version}\n`)
})
