import type * as Plan from "../engine/Plan.ts"

/**
 * What each provider can realise, for `tyger plan --provider`. These belong to the providers and move there once
 * they exist; the CLI only needs them to ask `compile` for a plan the chosen provider can run.
 */
export const DOCKER_CAPABILITIES: ReadonlySet<Plan.Capability> = new Set<Plan.Capability>([
  "DistributedRuns",
  "Gpu",
  "Sockets",
  "EphemeralBuffers",
  "JobReplicas"
])

export const KUBERNETES_CAPABILITIES: ReadonlySet<Plan.Capability> = new Set<Plan.Capability>([
  "DistributedRuns",
  "Gpu",
  "Sockets",
  "NodePools",
  "Identities",
  "Schedules",
  "JobReplicas"
])

export const PROVIDERS = ["docker", "kubernetes"] as const
export type Provider = (typeof PROVIDERS)[number]

export const capabilitiesOf: { readonly [P in Provider]: ReadonlySet<Plan.Capability> } = {
  docker: DOCKER_CAPABILITIES,
  kubernetes: KUBERNETES_CAPABILITIES
}
