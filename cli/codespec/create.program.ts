import { Effect, Result } from "effect"
import * as CodespecDocument from "../../model/CodespecDocument.ts"
import * as CodespecValidation from "../../model/CodespecValidation.ts"
import * as Quantity from "../../model/Quantity.ts"
import { Store } from "../../engine/store/Store.ts"
import { CliError, invalidArguments } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import * as Pflag from "../Pflag.ts"
import { goList } from "../common/Args.ts"
import * as SpecFile from "./SpecFile.ts"

/** `tyger codespec create`: the flags as given; everything is parsed and checked here, as Tyger's RunE does. */
export interface CreateInput {
  /** Positional arguments, those after `--` included (cobra's `args`). */
  readonly positionals: ReadonlyArray<string>
  /** How many positionals came before `--`, or -1 without `--` (cobra's `ArgsLenAtDash`). */
  readonly argsLenAtDash: number
  readonly file: string | undefined
  readonly image: string | undefined
  readonly kind: string | undefined
  readonly maxReplicas: string | undefined
  readonly inputs: ReadonlyArray<string> | undefined
  readonly outputs: ReadonlyArray<string> | undefined
  readonly env: ReadonlyArray<string> | undefined
  readonly endpoints: ReadonlyArray<string> | undefined
  readonly command: boolean
  readonly identity: string | undefined
  readonly cpuRequest: string | undefined
  readonly memoryRequest: string | undefined
  readonly cpuLimit: string | undefined
  readonly memoryLimit: string | undefined
  readonly gpu: string | undefined
  readonly shm: string | undefined
}

// Messages Tyger's CLI produces itself print bare; everything else is what its server would answer (400 InvalidInput).
const CLIENT_MESSAGES: ReadonlySet<string> = new Set([
  CodespecValidation.NAME_MESSAGE,
  CodespecValidation.KIND_MESSAGE,
  CodespecValidation.JOB_ENDPOINTS_MESSAGE,
  CodespecValidation.WORKER_BUFFERS_MESSAGE
])

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
const parseFlagValues = (input: CreateInput): Pflag.Parsed<FlagValues> => {
  const inputs = given(input.inputs, (v) => Pflag.stringSlice(Pflag.flagLabel("input", "i"), v))
  if (Result.isFailure(inputs)) return Result.fail(inputs.failure)
  const outputs = given(input.outputs, (v) => Pflag.stringSlice(Pflag.flagLabel("output", "o"), v))
  if (Result.isFailure(outputs)) return Result.fail(outputs.failure)
  const env = given(input.env, (v) => Pflag.stringToString(Pflag.flagLabel("env", "e"), v))
  if (Result.isFailure(env)) return Result.fail(env.failure)
  const endpoints = given(input.endpoints, (v) => Pflag.stringToInt(Pflag.flagLabel("endpoint"), v))
  if (Result.isFailure(endpoints)) return Result.fail(endpoints.failure)
  return Result.succeed({ inputs: inputs.success, outputs: outputs.success, env: env.success, endpoints: endpoints.success })
}

/** The codespec name and the container arguments, with Tyger's positional-argument rules. */
const positionalsOf = Effect.fnUntraced(function*(input: CreateInput, spec: CodespecDocument.Spec, hasFile: boolean) {
  const { positionals, argsLenAtDash } = input
  const nameGiven = positionals.length > 0 && argsLenAtDash !== 0
  let name: string
  if (hasFile) {
    if (nameGiven) name = positionals[0] ?? ""
    else if (spec.name === undefined || spec.name === "") {
      return yield* invalidArguments("a name for the codespec must be required")
    } else name = spec.name
  } else {
    if (!nameGiven) return yield* invalidArguments("if -f|--file is not provided, a name for the codespec is required")
    name = positionals[0] ?? ""
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
  input: CreateInput,
  flags: FlagValues,
  name: string,
  containerArgs: ReadonlyArray<string> | undefined
) => {
  const client: Array<string> = []
  const quantities: Array<string> = []
  const out: Mutable<CodespecDocument.Spec> = { ...spec, name }
  if (input.image !== undefined) out.image = input.image
  if (flags.inputs !== undefined) out.buffers = { ...out.buffers, inputs: flags.inputs }
  if (flags.outputs !== undefined) out.buffers = { ...out.buffers, outputs: flags.outputs }
  if (flags.env !== undefined) out.env = flags.env
  if (input.identity !== undefined) out.identity = input.identity
  if (flags.endpoints !== undefined) out.endpoints = flags.endpoints
  if (input.maxReplicas !== undefined && input.maxReplicas !== "") {
    const replicas = Pflag.atoi(input.maxReplicas)
    if (Result.isSuccess(replicas)) out.maxReplicas = replicas.success
    else client.push(`max-replicas must be an integer, got ${input.maxReplicas}`)
  }
  // The file's kind is taken as written; only the flag is lower-cased.
  const kind = spec.kind !== undefined && spec.kind !== "" ? spec.kind : (input.kind ?? "job").toLowerCase()
  if (kind !== "job" && kind !== "worker") client.push(CodespecValidation.KIND_MESSAGE)
  out.kind = kind
  if (containerArgs !== undefined) {
    if (input.command) out.command = containerArgs
    else out.args = containerArgs
  }
  const quantity = (value: string | undefined, what: string): Quantity.Quantity | undefined => {
    if (value === undefined) return undefined
    const parsed = Quantity.parseQuantity(value)
    if (Result.isSuccess(parsed)) return parsed.success
    quantities.push(`${what} value is invalid: ${parsed.failure}`)
    return undefined
  }
  const requests = { cpu: quantity(input.cpuRequest, "cpu request"), memory: quantity(input.memoryRequest, "memory request") }
  const limits = { cpu: quantity(input.cpuLimit, "cpu limit"), memory: quantity(input.memoryLimit, "memory limit") }
  const gpu = quantity(input.gpu, "gpu")
  const shm = quantity(input.shm, "shm")
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

/** Every problem at once: Tyger's client-side checks first (in its order), then what its server would reject. */
const problemsOf = (
  spec: CodespecDocument.Spec,
  name: string,
  checks: { readonly client: ReadonlyArray<string>; readonly quantities: ReadonlyArray<string> }
): ReadonlyArray<string> => {
  const validation = CodespecValidation.validate("", spec).map((p) => p.message)
  const lines = [
    ...CodespecValidation.validateName("", name).map((p) => p.message),
    ...checks.client,
    ...validation.filter((m) => CLIENT_MESSAGES.has(m) && m !== CodespecValidation.NAME_MESSAGE),
    ...checks.quantities,
    ...validation.filter((m) => !CLIENT_MESSAGES.has(m)).map((m) => `InvalidInput: ${m}`)
  ]
  return [...new Set(lines)]
}

export const create = Effect.fn("codespec.create")(function*(input: CreateInput) {
  const flags = parseFlagValues(input)
  if (Result.isFailure(flags)) return yield* invalidArguments(flags.failure)
  const hasFile = input.file !== undefined && input.file !== ""
  const requested = input.positionals.length > 0 && input.argsLenAtDash !== 0 ? input.positionals[0] : undefined
  const fileSpec: CodespecDocument.Spec = hasFile ? yield* SpecFile.load(input.file ?? "", requested) : {}
  const { name, containerArgs } = yield* positionalsOf(input, fileSpec, hasFile)
  const { spec, ...checks } = overlay(fileSpec, input, flags.success, name, containerArgs)
  const problems = problemsOf(spec, name, checks)
  if (problems.length > 0) {
    const reason = problems.some((p) => p.startsWith("InvalidInput: ")) ? "InvalidInput" : "InvalidArguments"
    return yield* new CliError({ reason, messages: problems })
  }
  const store = yield* Store
  const stored = yield* store.putCodespec(
    name,
    CodespecDocument.toJson(CodespecDocument.withoutSystemFields(spec)),
    CodespecDocument.canonicalKey(spec)
  )
  const io = yield* CliIo
  yield* io.out(`${stored.codespec.version}\n`)
})
