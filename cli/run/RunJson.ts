import type { RunRecord } from "../../engine/store/RunRecord.ts"
import * as GoJson from "../output/GoJson.ts"
import { rfc3339Nano } from "../output/GoTime.ts"

/**
 * A run as Tyger's CLI re-encodes it (`model.Run`): Go struct order, `omitempty` fields dropped, maps with sorted
 * keys, instants as RFC 3339 with `Z`. `createdAt` is always printed; `kind` only for system runs, which tyger-ts has
 * none of.
 */

type Json = Record<string, unknown>

const time = (millis: number | undefined): string | undefined =>
  millis === undefined ? undefined : rfc3339Nano(new Date(millis))

const sorted = (map: unknown): Json | undefined => {
  if (typeof map !== "object" || map === null) return undefined
  const keys = Object.keys(map).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return keys.length === 0 ? undefined : Object.fromEntries(keys.map((k) => [k, (map as Json)[k]]))
}

const nonEmpty = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined

const positive = (value: unknown): number | undefined =>
  typeof value === "number" && value !== 0 ? value : undefined

/** The resolved inline codespec: its `createdAt` re-rendered as Go prints a time.Time. */
const codespecJson = (codespec: unknown): unknown => {
  if (typeof codespec !== "object" || codespec === null) return codespec
  const c = codespec as Json
  return typeof c["createdAt"] === "string" ? { ...c, createdAt: rfc3339Nano(c["createdAt"]) } : c
}

/** `RunCodeTarget`: codespec, buffers, tags, bufferTtl, nodePool, replicas. */
const targetJson = (target: unknown): Json | undefined => {
  if (typeof target !== "object" || target === null) return undefined
  const t = target as Json
  return {
    codespec: codespecJson(t["codespec"]),
    buffers: sorted(t["buffers"]),
    tags: sorted(t["tags"]),
    bufferTtl: nonEmpty(t["bufferTtl"]),
    nodePool: nonEmpty(t["nodePool"]),
    replicas: positive(t["replicas"])
  }
}

/** `RunMetadata`, what `run watch` prints without `--full-resource`. */
export const metadataJson = (run: RunRecord): Json => ({
  id: run.id,
  status: run.status,
  statusReason: nonEmpty(run.statusReason),
  runningCount: run.runningCount,
  createdAt: time(run.createdAt),
  startedAt: time(run.startedAt),
  finishedAt: time(run.finishedAt)
})

export const toJson = (run: RunRecord): Json => {
  const document = run.document
  return {
    ...metadataJson(run),
    job: targetJson(document["job"]) ?? { codespec: null },
    worker: targetJson(document["worker"]),
    cluster: nonEmpty(document["cluster"]),
    timeoutSeconds: positive(document["timeoutSeconds"]),
    tags: sorted(run.tags),
    eTag: nonEmpty(run.eTag),
    bufferAccessTtl: nonEmpty(document["bufferAccessTtl"])
  }
}

/** `json.MarshalIndent(v, "", "  ")`: `run show` and `run set`. */
export const marshal = (value: unknown): string => GoJson.marshalIndent(value, "", "  ")

/** `json.MarshalIndent(v, "  ", "  ")`: items of `run list`. */
export const marshalListItem = (value: unknown): string => GoJson.marshalIndent(value, "  ", "  ")
