import { Schema } from "effect"
import * as CodespecDocument from "../../model/CodespecDocument.ts"

/**
 * The one document a provider receives. Versioned by `apiVersion`; plain JSON when encoded; no functions, host paths
 * or provider types. Codespecs are resolved and identified by content, runs refer to them by that identity.
 */
export const API_VERSION = "tyger-ts.dev/plan/v1"

const Tags = Schema.Record(Schema.String, Schema.String)

export const Capability = Schema.Literals([
  "DistributedRuns",
  "Gpu",
  "Sockets",
  "EphemeralBuffers",
  "NodePools",
  "Identities",
  "Schedules",
  "JobReplicas",
  /**
   * A run with both a schedule and workers: every execution's workers must end with that execution. Apart from
   * `Schedules` and `DistributedRuns` because a provider may have both and still be unable to end a scheduled
   * execution's workers (Kubernetes: nothing reaps a CronJob's workers yet).
   */
  "ScheduledDistributedRuns"
])
export type Capability = typeof Capability.Type

export const Binding = Schema.Union([
  /** Created when the run is created, tagged `bufferName=<parameter>` plus the job's buffer tags. */
  Schema.Struct({ kind: Schema.Literal("create") }),
  Schema.Struct({ kind: Schema.Literal("buffer"), id: Schema.String }),
  Schema.Struct({ kind: Schema.Literal("ephemeral") }),
  Schema.Struct({ kind: Schema.Literal("runOutput"), run: Schema.String, parameter: Schema.String })
])
export type Binding = typeof Binding.Type

export const DerivedValue = Schema.Struct({
  source: Schema.Union([
    Schema.Struct({ kind: Schema.Literal("workerNodes") }),
    Schema.Struct({ kind: Schema.Literal("endpointAddresses"), endpoint: Schema.String })
  ]),
  format: Schema.Union([
    Schema.Struct({ kind: Schema.Literal("json") }),
    Schema.Struct({ kind: Schema.Literal("join"), separator: Schema.String })
  ])
})
export type DerivedValue = typeof DerivedValue.Type

export const Codespec = Schema.Struct({
  id: Schema.String,
  kind: Schema.Literals(["job", "worker"]),
  name: Schema.optionalKey(Schema.String),
  /** Set when the codespec was resolved from the store. */
  version: Schema.optionalKey(Schema.Int),
  spec: CodespecDocument.Spec
})
export type Codespec = typeof Codespec.Type

export const JobTarget = Schema.Struct({
  codespec: Schema.String,
  buffers: Schema.Record(Schema.String, Binding),
  bufferTags: Tags,
  bufferTtl: Schema.optionalKey(Schema.String),
  nodePool: Schema.optionalKey(Schema.String),
  replicas: Schema.Int,
  env: Schema.Record(Schema.String, DerivedValue)
})
export type JobTarget = typeof JobTarget.Type

export const WorkerTarget = Schema.Struct({
  codespec: Schema.String,
  nodePool: Schema.optionalKey(Schema.String),
  replicas: Schema.Int
})
export type WorkerTarget = typeof WorkerTarget.Type

export const Schedule = Schema.Struct({
  cron: Schema.String,
  timeZone: Schema.optionalKey(Schema.String),
  concurrencyPolicy: Schema.Literals(["Allow", "Forbid", "Replace"]),
  startingDeadlineSeconds: Schema.optionalKey(Schema.Int),
  suspend: Schema.Boolean
})
export type Schedule = typeof Schedule.Type

export const Run = Schema.Struct({
  name: Schema.String,
  job: JobTarget,
  worker: Schema.optionalKey(WorkerTarget),
  timeoutSeconds: Schema.Int,
  tags: Tags,
  cluster: Schema.optionalKey(Schema.String),
  bufferAccessTtl: Schema.String,
  schedule: Schema.optionalKey(Schedule),
  /** A fan-out's runs (Run.each) with a limit: at most `limit` of the group run at once. */
  concurrency: Schema.optionalKey(Schema.Struct({
    group: Schema.String,
    limit: Schema.Int,
    /**
     * Set by the engine when it creates the run: the ids of the group's runs created before it. The run waits,
     * Pending, while `limit` of them have not ended. Not part of what a run is (an apply's diff ignores it).
     */
    after: Schema.optionalKey(Schema.Array(Schema.Int))
  })),
  /** Runs whose outputs this run reads; they are created first. */
  dependsOn: Schema.Array(Schema.String),
  /** What a provider must support to realise this run. */
  requires: Schema.Array(Capability)
})
export type Run = typeof Run.Type

export const Plan = Schema.Struct({
  apiVersion: Schema.Literal(API_VERSION),
  codespecs: Schema.Array(Codespec),
  runs: Schema.Array(Run)
})
export type Plan = typeof Plan.Type
export type Encoded = typeof Plan.Encoded

export const encode = Schema.encodeSync(Plan)
export const decodeUnknown = Schema.decodeUnknownEffect(Plan)
export const decodeUnknownSync = Schema.decodeUnknownSync(Plan)

export const toJsonString = (plan: Plan): string => JSON.stringify(encode(plan), null, 2) + "\n"

export const codespecById = (plan: Plan): ReadonlyMap<string, Codespec> => new Map(plan.codespecs.map((c) => [c.id, c]))
