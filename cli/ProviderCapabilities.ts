import type * as IgnoredSettings from "../engine/plan/IgnoredSettings.ts"
import type * as Plan from "../engine/plan/Plan.ts"
import * as DockerProvider from "../providers/docker/DockerProvider.ts"
import { CAPABILITIES as KUBERNETES } from "../providers/kubernetes/Capabilities.ts"

/**
 * What each provider can realise, for `tyger plan --provider`: the providers' own lists, so a plan is refused exactly
 * when the provider would refuse the run. (Docker's GPUs also need the engine's NVIDIA runtime, which is checked when
 * a run is created.)
 */
export const DOCKER_CAPABILITIES: ReadonlySet<Plan.Capability> = DockerProvider.CAPABILITIES

export const KUBERNETES_CAPABILITIES: ReadonlySet<Plan.Capability> = KUBERNETES

export const PROVIDERS = ["docker", "kubernetes"] as const
export type Provider = (typeof PROVIDERS)[number]

export const capabilitiesOf: { readonly [P in Provider]: ReadonlySet<Plan.Capability> } = {
  docker: DOCKER_CAPABILITIES,
  kubernetes: KUBERNETES_CAPABILITIES
}

/** What each provider accepts and runs without (the plan keeps it): Docker's node pools, identities and cluster. */
export const ignoresOf: { readonly [P in Provider]: ReadonlySet<IgnoredSettings.Setting> } = {
  docker: DockerProvider.IGNORES,
  kubernetes: new Set()
}
