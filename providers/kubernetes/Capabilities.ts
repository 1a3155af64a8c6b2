import type * as Plan from "../../engine/plan/Plan.ts"

/**
 * What these manifests realise. No ephemeral buffers: they are Docker-local pipes between containers of one host, and
 * a Job's pods have no such host.
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
