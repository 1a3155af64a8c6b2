import type * as CodespecDocument from "../../model/CodespecDocument.ts"
import { SHM_VOLUME } from "./Contract.ts"
import type * as Objects from "./Objects.ts"

/** Tyger's labels: every object of a run carries `tyger-run`; job pods `tyger-job`, worker pods `tyger-worker`. */
export const RUN_LABEL = "tyger-run"
export const JOB_LABEL = "tyger-job"
export const WORKER_LABEL = "tyger-worker"

export const runLabels = (run: string): Objects.StringMap => ({ [RUN_LABEL]: run })
export const jobLabels = (run: string): Objects.StringMap => ({ [JOB_LABEL]: run, [RUN_LABEL]: run })
export const workerLabels = (run: string): Objects.StringMap => ({ [RUN_LABEL]: run, [WORKER_LABEL]: run })

export const GPU_RESOURCE = "nvidia.com/gpu"

/** Tyger's taints on its run node pools: every run tolerates `tyger=run`, GPU runs `sku=gpu` too. */
const RUN_TOLERATION: Objects.Toleration = { key: "tyger", operator: "Equal", value: "run", effect: "NoSchedule" }
const GPU_TOLERATION: Objects.Toleration = { key: "sku", operator: "Equal", value: "gpu", effect: "NoSchedule" }

const quantityList = (
  list: CodespecDocument.Resources["requests"],
  gpu: string | undefined
): Objects.StringMap | undefined => {
  const out: Record<string, string> = {}
  if (list?.cpu !== undefined) out["cpu"] = String(list.cpu)
  if (list?.memory !== undefined) out["memory"] = String(list.memory)
  if (gpu !== undefined) out[GPU_RESOURCE] = gpu
  return Object.keys(out).length > 0 ? out : undefined
}

const gpuOf = (spec: CodespecDocument.Spec): string | undefined => {
  const gpu = spec.resources?.gpu
  return gpu !== undefined && gpu.toNumber() > 0 ? String(gpu) : undefined
}

/** Requests and limits for cpu and memory; a GPU count goes into both, as the device plugin requires. */
export const resources = (spec: CodespecDocument.Spec): Objects.ResourceRequirements | undefined => {
  const gpu = gpuOf(spec)
  const requests = quantityList(spec.resources?.requests, gpu)
  const limits = quantityList(spec.resources?.limits, gpu)
  if (requests === undefined && limits === undefined) return undefined
  return { ...(requests === undefined ? {} : { requests }), ...(limits === undefined ? {} : { limits }) }
}

/**
 * The node pool selects nodes by AKS's `agentpool` label. No `tyger=run` selector: that label exists only on Tyger's
 * own clusters, and a pod asking for it elsewhere would never schedule. Tolerations are harmless where no taint exists.
 */
export const scheduling = (spec: CodespecDocument.Spec, nodePool: string | undefined): Pick<Objects.PodSpec, "nodeSelector" | "tolerations"> => {
  const tolerations = [
    ...(nodePool === undefined ? [] : [RUN_TOLERATION]),
    ...(gpuOf(spec) === undefined ? [] : [GPU_TOLERATION])
  ]
  return {
    ...(nodePool === undefined ? {} : { nodeSelector: { agentpool: nodePool } }),
    ...(tolerations.length === 0 ? {} : { tolerations })
  }
}

/** `shm` becomes a memory-backed emptyDir on /dev/shm (a container's default /dev/shm is 64 MiB). */
export const shm = (spec: CodespecDocument.Spec): { volume: Objects.Volume; mount: Objects.VolumeMount } | undefined => {
  const size = spec.resources?.shm
  if (size === undefined) return undefined
  return {
    volume: { name: SHM_VOLUME, emptyDir: { medium: "Memory", sizeLimit: String(size) } },
    mount: { name: SHM_VOLUME, mountPath: "/dev/shm" }
  }
}

/** What a pod without `serviceAccountName` runs as: the namespace's `default` service account. */
export const DEFAULT_SERVICE_ACCOUNT = "default"

const identityOf = (spec: CodespecDocument.Spec): string | undefined =>
  spec.identity === undefined || spec.identity === "" ? undefined : spec.identity

export const serviceAccount = (spec: CodespecDocument.Spec): Pick<Objects.PodSpec, "serviceAccountName"> => {
  const identity = identityOf(spec)
  return identity === undefined ? {} : { serviceAccountName: identity }
}

/**
 * AKS's workload identity webhook only injects the federated token (and `AZURE_CLIENT_ID`, …) into pods labelled
 * so; Tyger labels the pods of a codespec with an identity the same way. Where no webhook runs it is inert.
 */
export const WORKLOAD_IDENTITY_LABEL = "azure.workload.identity/use"

export const identityLabels = (spec: CodespecDocument.Spec): Objects.StringMap =>
  identityOf(spec) === undefined ? {} : { [WORKLOAD_IDENTITY_LABEL]: "true" }

/** The service account a pod of this codespec runs as, named even when the pod spec leaves it implicit. */
export const serviceAccountName = (spec: CodespecDocument.Spec): string => identityOf(spec) ?? DEFAULT_SERVICE_ACCOUNT

/** The codespec's own env in declared order, values untouched: the kubelet expands `$(VAR)` itself. */
export const codespecEnv = (spec: CodespecDocument.Spec): Array<Objects.EnvVar> =>
  Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value }))

const nonEmpty = <A>(list: ReadonlyArray<A> | undefined): Array<A> | undefined =>
  list !== undefined && list.length > 0 ? [...list] : undefined

/** The `main` container of a job or worker pod: the codespec's image, command, args, working directory. */
export const mainContainer = (
  spec: CodespecDocument.Checked,
  env: ReadonlyArray<Objects.EnvVar>,
  mounts: ReadonlyArray<Objects.VolumeMount>,
  extra: Pick<Objects.Container, "ports" | "restartPolicy"> = {}
): Objects.Container => {
  const command = nonEmpty(spec.command)
  const args = nonEmpty(spec.args)
  const requirements = resources(spec)
  const volumeMounts = nonEmpty(mounts)
  const envVars = nonEmpty(env)
  return {
    name: "main",
    image: spec.image,
    ...(command === undefined ? {} : { command }),
    ...(args === undefined ? {} : { args }),
    ...(spec.workingDir === undefined || spec.workingDir === "" ? {} : { workingDir: spec.workingDir }),
    ...(envVars === undefined ? {} : { env: envVars }),
    ...extra,
    ...(requirements === undefined ? {} : { resources: requirements }),
    ...(volumeMounts === undefined ? {} : { volumeMounts })
  }
}
