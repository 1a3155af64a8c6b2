import { Schema } from "effect"
import * as CodespecDocument from "./CodespecDocument.ts"

/** Tyger's run document (run files, `run show` JSON); system fields are accepted and ignored on create. */
const Tags = Schema.Record(Schema.String, Schema.String)

export const CodespecRef = Schema.Union([Schema.String, CodespecDocument.Spec])

export const JobTarget = Schema.Struct({
  codespec: Schema.optionalKey(CodespecRef),
  buffers: Schema.optionalKey(Schema.NullOr(Tags)),
  tags: Schema.optionalKey(Schema.NullOr(Tags)),
  bufferTtl: Schema.optionalKey(Schema.NullOr(Schema.String)),
  nodePool: Schema.optionalKey(Schema.NullOr(Schema.String)),
  replicas: Schema.optionalKey(Schema.Int)
})
export type JobTarget = typeof JobTarget.Type

export const Spec = Schema.Struct({
  id: Schema.optionalKey(Schema.Union([Schema.Int, Schema.String])),
  kind: Schema.optionalKey(Schema.String),
  status: Schema.optionalKey(Schema.String),
  statusReason: Schema.optionalKey(Schema.String),
  runningCount: Schema.optionalKey(Schema.Int),
  createdAt: Schema.optionalKey(Schema.String),
  startedAt: Schema.optionalKey(Schema.String),
  finishedAt: Schema.optionalKey(Schema.String),
  job: Schema.optionalKey(JobTarget),
  worker: Schema.optionalKey(Schema.NullOr(JobTarget)),
  cluster: Schema.optionalKey(Schema.NullOr(Schema.String)),
  timeoutSeconds: Schema.optionalKey(Schema.NullOr(Schema.Int)),
  tags: Schema.optionalKey(Schema.NullOr(Tags)),
  eTag: Schema.optionalKey(Schema.String),
  bufferAccessTtl: Schema.optionalKey(Schema.NullOr(Schema.String))
})
export type Spec = typeof Spec.Type
export type Encoded = typeof Spec.Encoded

export const decodeUnknown = Schema.decodeUnknownExit(Spec)

/** Tyger's server answer (400 InvalidInput) to a run of `kind: system`: only the server makes those (buffer export, import). */
export const SYSTEM_RUN_MESSAGE = "System runs cannot be created directly"

/** Whether the run is a system run, as .NET reads its `RunKind` enum: case-insensitively. */
export const isSystem = (spec: Spec): boolean => spec.kind?.toLowerCase() === "system"

export const DEFAULT_TIMEOUT_SECONDS = 43200
export const DEFAULT_BUFFER_ACCESS_TTL = "01:00:00"
export const EPHEMERAL_BUFFER = "_"

const REFERENCE = /^(?<name>[a-z0-9\-._]+)(\/versions\/(?<version>[0-9]+))?$/

/** The reference's name and version; `versionText` is the version as written, for a number too large to be one. */
export const parseReference = (
  reference: string
): { name: string; version: number | undefined; versionText: string | undefined } | undefined => {
  const match = REFERENCE.exec(reference)
  if (match?.groups === undefined) return undefined
  const version = match.groups["version"]
  return { name: match.groups["name"] ?? "", version: version === undefined ? undefined : Number(version), versionText: version }
}

export const referenceMessage = (reference: string): string =>
  `The codespec reference '${reference}' is invalid. It should be in the form '<codespec_name>' or '<codespec_name>/versions/<version_number>'.`
