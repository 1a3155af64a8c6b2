import * as CodespecDocument from "../../model/CodespecDocument.ts"
import * as Plan from "../../engine/plan/Plan.ts"
import * as BufferSecret from "./BufferSecret.ts"
import * as JobPod from "./JobPod.ts"
import * as Names from "./Names.ts"
import type * as Objects from "./Objects.ts"
import { DEFAULT_CLUSTER_DOMAIN, type Options } from "./Options.ts"
import * as Pods from "./Pods.ts"
import * as SidecarAccess from "./SidecarAccess.ts"
import * as Workers from "./Workers.ts"

/**
 * Plan → Kubernetes objects, purely: same plan and options, same objects, byte for byte once printed. Per run, in
 * plan order (producers first): the buffer Secret with the sidecars' Role and RoleBinding, the workers' Service and
 * StatefulSet, then the Job, or for a scheduled run a CronJob whose job template is that same Job spec.
 *
 * Why a batch/v1 Job rather than Tyger's bare pods: Tyger's server watches its pods and decides the run's fate; here
 * nothing watches but Kubernetes, so the Job controller has to carry "`replicas` pods, all must succeed, none
 * retried, stopped at the deadline" (completions = parallelism, backoffLimit 0, activeDeadlineSeconds), and a
 * CronJob can only stamp out Jobs. The Job's deadline counts from its start, pending time included, which is
 * Tyger's documented timeout ("from when the run was created") without its separate pending-timeout sweeper.
 *
 * `runOutput` bindings: the consumer's Secret carries the producer's URL for that output (see `BufferSecret.ts`);
 * both runs may run at once because a buffer reader waits for the writer, and either pod creates the buffer if it
 * does not exist yet.
 */
export const manifests = (plan: Plan.Plan, options: Options): ReadonlyArray<Objects.KubernetesObject> => {
  const codespecs = Plan.codespecById(plan)
  const runs = new Map(plan.runs.map((r) => [r.name, r]))
  const out: Array<Objects.KubernetesObject> = []
  for (const run of plan.runs) out.push(...runObjects(run, codespecs, (name) => runs.get(name), options))
  return out.map(ordered)
}

const checked = (codespec: Plan.Codespec | undefined, run: string, role: string): CodespecDocument.Checked => {
  if (codespec === undefined || codespec.spec.image === undefined) {
    // A compiled plan always resolves its codespecs; anything else is a caller's bug, not a user's problem.
    throw new Error(`plan run '${run}' refers to a ${role} codespec the plan does not contain`)
  }
  return { ...codespec.spec, kind: codespec.kind, image: codespec.spec.image }
}

const runObjects = (
  run: Plan.Run,
  codespecs: ReadonlyMap<string, Plan.Codespec>,
  lookup: (name: string) => Plan.Run | undefined,
  options: Options
): Array<Objects.KubernetesObject> => {
  const spec = checked(codespecs.get(run.job.codespec), run.name, "job")
  const worker = run.worker === undefined
    ? undefined
    : { spec: checked(codespecs.get(run.worker.codespec), run.name, "worker"), target: run.worker }
  const clusterDomain = options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN
  const topology = worker === undefined ? undefined : Workers.topology(run, worker, options.namespace, clusterDomain)
  const objects: Array<Objects.KubernetesObject> = []
  const buffers = BufferSecret.layout(run, spec, options, lookup)
  // Every buffer parameter, a socket's too, has a sidecar that polls the pod; the workers' reaper reads the Job and
  // deletes the workers. A scheduled run whose buffers are all made per execution has nothing in the Secret.
  if (Object.keys(buffers.secret).length > 0) {
    objects.push(BufferSecret.secret(run, buffers.secret, options.namespace, Pods.runLabels(run.name)))
  }
  if (CodespecDocument.parametersOf(spec).length > 0 || worker !== undefined) {
    objects.push(SidecarAccess.role(run, options.namespace))
    objects.push(SidecarAccess.roleBinding(run, spec, options.namespace))
  }
  if (worker !== undefined && topology !== undefined) {
    objects.push(Workers.service(run, topology, options.namespace))
    objects.push(Workers.statefulSet(run, worker, topology, options.namespace))
  }
  const jobSpec = JobPod.jobSpec({
    run,
    spec,
    topology,
    image: options.image,
    namespace: options.namespace,
    workerWaitSeconds: options.workerWaitSeconds ?? run.timeoutSeconds,
    buffers,
    storageKeySecret: options.storageKeySecret
  })
  objects.push(run.schedule === undefined ? job(run, jobSpec, options.namespace) : cronJob(run, run.schedule, jobSpec, options.namespace))
  return objects
}

const job = (run: Plan.Run, spec: Objects.JobSpec, namespace: string): Objects.Job => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: Names.job(run.name), namespace, labels: Pods.jobLabels(run.name) },
  spec
})

const cronJob = (run: Plan.Run, schedule: Plan.Schedule, spec: Objects.JobSpec, namespace: string): Objects.CronJob => ({
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name: Names.cronJob(run.name), namespace, labels: Pods.runLabels(run.name) },
  spec: {
    schedule: schedule.cron,
    ...(schedule.timeZone === undefined ? {} : { timeZone: schedule.timeZone }),
    concurrencyPolicy: schedule.concurrencyPolicy,
    ...(schedule.startingDeadlineSeconds === undefined ? {} : { startingDeadlineSeconds: schedule.startingDeadlineSeconds }),
    suspend: schedule.suspend,
    jobTemplate: { metadata: { labels: Pods.jobLabels(run.name) }, spec }
  }
})

const HEAD = ["apiVersion", "kind", "metadata"]

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value !== "object" || value === null) return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key])
  return out
}

/**
 * `apiVersion`, `kind`, `metadata` first, every other key sorted, recursively (the cdk8s `toJson` rule): the
 * printed order never depends on how an object was put together. Arrays keep their order (env order matters).
 */
export const ordered = <O extends Objects.KubernetesObject>(object: O): O => {
  const sorted = sortKeys(object) as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const key of HEAD) if (key in sorted) out[key] = sorted[key]
  for (const [key, value] of Object.entries(sorted)) if (!HEAD.includes(key)) out[key] = value
  return out as O
}

/** `Kind/name`, how kubectl names an object. */
export const objectId = (object: Objects.KubernetesObject): string => `${object.kind}/${object.metadata.name}`
