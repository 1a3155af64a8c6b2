import { Schema } from "effect"
import * as Quantity from "./Quantity.ts"

/**
 * Tyger's codespec as it appears in files and JSON: every field optional at decode time so that validation can report
 * all problems with Tyger's own messages; {@link CodespecValidation} turns a `Spec` into a checked one.
 */
const QuantityField = Schema.optionalKey(Quantity.schema)

export const ResourceList = Schema.Struct({ cpu: QuantityField, memory: QuantityField })

export const Resources = Schema.Struct({
  requests: Schema.optionalKey(ResourceList),
  limits: Schema.optionalKey(ResourceList),
  gpu: QuantityField,
  shm: QuantityField
})
export type Resources = typeof Resources.Type

export const BufferParameters = Schema.Struct({
  inputs: Schema.optionalKey(Schema.Array(Schema.String)),
  outputs: Schema.optionalKey(Schema.Array(Schema.String))
})
export type BufferParameters = typeof BufferParameters.Type

export const Socket = Schema.Struct({
  port: Schema.Int,
  inputBuffer: Schema.optionalKey(Schema.String),
  outputBuffer: Schema.optionalKey(Schema.String)
})
export type Socket = typeof Socket.Type

export const Spec = Schema.Struct({
  kind: Schema.optionalKey(Schema.String),
  name: Schema.optionalKey(Schema.String),
  version: Schema.optionalKey(Schema.Int),
  createdAt: Schema.optionalKey(Schema.String),
  buffers: Schema.optionalKey(BufferParameters),
  sockets: Schema.optionalKey(Schema.Array(Socket)),
  image: Schema.optionalKey(Schema.String),
  command: Schema.optionalKey(Schema.Array(Schema.String)),
  args: Schema.optionalKey(Schema.Array(Schema.String)),
  workingDir: Schema.optionalKey(Schema.String),
  env: Schema.optionalKey(Schema.Record(Schema.String, Schema.String)),
  identity: Schema.optionalKey(Schema.String),
  resources: Schema.optionalKey(Resources),
  maxReplicas: Schema.optionalKey(Schema.Int),
  endpoints: Schema.optionalKey(Schema.Record(Schema.String, Schema.Int))
})
export type Spec = typeof Spec.Type
export type Encoded = typeof Spec.Encoded

export type Kind = "job" | "worker"

/** A codespec that passed validation: the kind is settled and an image is present. */
export type Checked = Spec & { readonly kind: Kind; readonly image: string }

export const decodeOptions = { errors: "all", onExcessProperty: "error" } as const

export const decodeUnknown = Schema.decodeUnknownExit(Spec)
export const encode = Schema.encodeSync(Spec)

/** Upper-cased parameter name + `_PIPE`, as Tyger names the FIFO variables (dashes are kept). */
export const pipeVariable = (parameter: string): string => `${parameter.toUpperCase()}_PIPE`

/** Upper-cased endpoint name, as in `TYGER_<NAME>_WORKER_ENDPOINT_ADDRESSES`. */
export const endpointVariable = (endpoint: string): string =>
  `TYGER_${endpoint.toUpperCase()}_WORKER_ENDPOINT_ADDRESSES`

export const WORKER_NODES_VARIABLE = "TYGER_WORKER_NODES"

/** Anything with Tyger's `buffers` shape: a decoded spec or one still as written. */
export interface HasBuffers {
  readonly buffers?: { readonly inputs?: ReadonlyArray<string>; readonly outputs?: ReadonlyArray<string> } | undefined
}

export const inputsOf = (spec: HasBuffers): ReadonlyArray<string> => spec.buffers?.inputs ?? []
export const outputsOf = (spec: HasBuffers): ReadonlyArray<string> => spec.buffers?.outputs ?? []
export const parametersOf = (spec: HasBuffers): ReadonlyArray<string> => [...inputsOf(spec), ...outputsOf(spec)]

const nonEmptyArray = <A>(a: ReadonlyArray<A> | undefined) => (a !== undefined && a.length > 0 ? a : undefined)
const nonEmptyRecord = <A>(r: { readonly [k: string]: A } | undefined) =>
  r !== undefined && Object.keys(r).length > 0 ? r : undefined
const nonEmptyString = (s: string | undefined) => (s !== undefined && s !== "" ? s : undefined)
const sortedRecord = <A>(r: { readonly [k: string]: A } | undefined): Record<string, A> | undefined => {
  const nonEmpty = nonEmptyRecord(r)
  if (nonEmpty === undefined) return undefined
  const out: Record<string, A> = {}
  for (const key of Object.keys(nonEmpty).sort()) out[key] = nonEmpty[key] as A
  return out
}

const compact = <T extends Record<string, unknown>>(o: T): T => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v
  return out as T
}

type RenderQuantity = (q: Quantity.Quantity) => string
const canonicalQuantity: RenderQuantity = (q) => q.toString()
/** By value, whatever the suffix family: `1Gi` and `1073741824` are the same amount (the canonical strings differ). */
const quantityValue: RenderQuantity = (q) => `${q.mantissa}e${q.exponent}`

const resourceListJson = (list: typeof ResourceList.Type | undefined, render: RenderQuantity) => {
  if (list === undefined) return undefined
  const out = compact({ cpu: list.cpu && render(list.cpu), memory: list.memory && render(list.memory) })
  return Object.keys(out).length > 0 ? out : undefined
}

const resourcesJson = (r: Resources | undefined, render: RenderQuantity = canonicalQuantity) => {
  if (r === undefined) return undefined
  const out = compact({
    requests: resourceListJson(r.requests, render),
    limits: resourceListJson(r.limits, render),
    gpu: r.gpu && render(r.gpu),
    shm: r.shm && render(r.shm)
  })
  return Object.keys(out).length > 0 ? out : undefined
}

/**
 * Tyger's JSON for a codespec: fields in Tyger's output order, empty strings and collections dropped (the server
 * normalises them to null), map keys sorted as Go's encoder prints them, quantities canonical.
 */
export const toJson = (spec: Spec): Record<string, unknown> => {
  const inputs = nonEmptyArray(spec.buffers?.inputs)
  const outputs = nonEmptyArray(spec.buffers?.outputs)
  const buffers = inputs !== undefined || outputs !== undefined ? compact({ inputs, outputs }) : undefined
  return compact({
    kind: spec.kind ?? "job",
    name: nonEmptyString(spec.name),
    version: spec.version,
    createdAt: spec.createdAt,
    buffers,
    sockets: nonEmptyArray(spec.sockets)?.map((s) =>
      compact({ port: s.port, inputBuffer: nonEmptyString(s.inputBuffer), outputBuffer: nonEmptyString(s.outputBuffer) })
    ),
    image: spec.image ?? "",
    command: nonEmptyArray(spec.command),
    args: nonEmptyArray(spec.args),
    workingDir: nonEmptyString(spec.workingDir),
    env: sortedRecord(spec.env),
    identity: nonEmptyString(spec.identity),
    resources: resourcesJson(spec.resources),
    maxReplicas: spec.maxReplicas === 0 ? undefined : spec.maxReplicas,
    endpoints: sortedRecord(spec.endpoints)
  })
}

/** The spec without the system fields Tyger ignores on create. */
export const withoutSystemFields = (spec: Spec): Spec => {
  const { name: _name, version: _version, createdAt: _createdAt, ...rest } = spec
  return rest
}

/**
 * The key under which two specs are "identical" for versioning: Tyger compares command/args in order, env, endpoints
 * and buffer lists regardless of order, and quantities by value. Sockets compare by value too (Tyger compares them by
 * reference, which makes every socket codespec a new version; that is an accident, not a contract).
 */
export const canonicalKey = (spec: Spec): string => {
  const json = toJson(withoutSystemFields(spec))
  const buffers = json["buffers"] as { inputs?: Array<string>; outputs?: Array<string> } | undefined
  if (buffers !== undefined) {
    json["buffers"] = compact({ inputs: buffers.inputs?.slice().sort(), outputs: buffers.outputs?.slice().sort() })
  }
  if (json["resources"] !== undefined) json["resources"] = resourcesJson(spec.resources, quantityValue)
  return JSON.stringify(json)
}
