import type * as Plan from "../../engine/plan/Plan.ts"

/**
 * What these manifests realise. No ephemeral buffers: they are Docker-local pipes between containers of one host, and
 * a Job's pods have no such host. No scheduled runs with workers: a one-off run's job pod deletes its workers when it
 * is done (`reap-workers`, with RBAC naming the Job and the workers), but a CronJob's Jobs are named by the controller
 * and its executions would share one StatefulSet, so nothing could end one execution's workers without the next's.
 */
export const CAPABILITIES: ReadonlySet<Plan.Capability> = new Set<Plan.Capability>([
  "DistributedRuns",
  "Gpu",
  "Sockets",
  "NodePools",
  "Identities",
  "Schedules",
  "JobReplicas"
])
