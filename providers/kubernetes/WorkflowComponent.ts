import * as k8s from "@pulumi/kubernetes"
import * as pulumi from "@pulumi/pulumi"
import type * as Plan from "../../engine/plan/Plan.ts"
import * as BufferPlan from "./BufferPlan.ts"
import { manifests, objectId } from "./Manifests.ts"
import type * as Objects from "./Objects.ts"
import { type BufferUrls, type Options, STORAGE_KEY_SECRET_KEY } from "./Options.ts"
import { RUN_LABEL } from "./Pods.ts"

export const TYPE = "tyger-ts:kubernetes:Workflow"

/** Pulumi's annotation to return as soon as the API server accepted an object instead of awaiting readiness. */
export const SKIP_AWAIT = "pulumi.com/skipAwait"

/** The Job annotation holding a run's rerun token (`WorkflowArgs.rerun`); a change to it replaces the Job. */
export const RERUN_ANNOTATION = "tyger-ts/rerun"

/** {@link RERUN_ANNOTATION} as a Pulumi property path (brackets: the key has a `/`). */
export const RERUN_PATH = `metadata.annotations["${RERUN_ANNOTATION}"]`

/** What Pulumi never diffs on a Job: its spec, pod template included (immutable in Kubernetes). */
export const JOB_IGNORE_CHANGES: ReadonlyArray<string> = ["spec"]

/** Workers are replaced with their Job: a new Job has a new uid, and the old one took its workers with it. */
export const WORKER_REPLACE_ON_CHANGES: ReadonlyArray<string> = ["metadata.ownerReferences"]

/** With `awaitCompletion`, how much longer than the run's timeout Pulumi waits for a Job (its own deadline first). */
export const AWAIT_GRACE_SECONDS = 60

/** The Secret the component creates for `storageAccountKey`. */
export const storageKeySecretName = (component: string): string => `${component}-storage-key`

/** Buffer ids by run and parameter, known before any pod runs (`BufferPlan.bufferIds`). */
export type BufferIds = ReturnType<typeof BufferPlan.bufferIds>

export interface WorkflowArgs extends Omit<Options, "bufferSecrets"> {
  /** A compiled plan (compile with the Kubernetes capabilities: nothing is validated here). */
  readonly plan: Plan.Plan
  /** Access URLs by run and parameter; typically a secret from stack config. They only ever reach the Secrets. */
  readonly bufferUrls?: pulumi.Input<BufferUrls>
  /**
   * The storage account's key. The component keeps it in the Secret `<name>-storage-key` (key `accountKey`, a Pulumi
   * secret) and points the helper containers at it (`storageKeySecret`). Without it (and without `storageKeySecret`)
   * the helpers use the pod's workload identity: the codespec's `identity` service account needs a federated
   * credential with access to the account. Give this or `storageKeySecret`, not both.
   */
  readonly storageAccountKey?: pulumi.Input<string>
  /**
   * Rerun tokens by one-off run name. A run's token is its Job's annotation `tyger-ts/rerun`, and any change to it
   * (set, changed or removed) makes `pulumi up` replace the Job: the run runs again, with the plan as it is now.
   * Scheduled runs have none (their CronJob is updated in place).
   */
  readonly rerun?: { readonly [run: string]: string }
  /**
   * Let `pulumi up` wait for each Job to complete (up to the run's timeout plus {@link AWAIT_GRACE_SECONDS}) and each
   * StatefulSet and Service to be ready. A distributed run's Job is not awaited: its workers are created after it
   * (they are owned by it), and the update awaits their readiness instead. Off by default: a run may take hours, and
   * its outcome is the Job's status, not the update's.
   * @default false
   */
  readonly awaitCompletion?: boolean
}

const annotate = <O extends Objects.KubernetesObject>(object: O, annotations: Objects.StringMap): O =>
  Object.keys(annotations).length === 0
    ? object
    : { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, ...annotations } } }

const skipAwait = (skip: boolean): Objects.StringMap => (skip ? { [SKIP_AWAIT]: "true" } : {})

const isWorker = (object: Objects.KubernetesObject): object is Objects.Service | Objects.StatefulSet =>
  object.kind === "Service" || object.kind === "StatefulSet"

/** The caller's mistakes the types cannot catch, each named. */
const problems = (plan: Plan.Plan, args: WorkflowArgs): ReadonlyArray<string> => {
  const runs = new Map(plan.runs.map((r) => [r.name, r]))
  const out: Array<string> = []
  for (const name of Object.keys(args.rerun ?? {})) {
    const run = runs.get(name)
    if (run === undefined) out.push(`rerun: the plan has no run '${name}'`)
    else if (run.schedule !== undefined) out.push(`rerun: '${name}' is scheduled; its CronJob is updated in place, never re-run`)
  }
  if (args.storageAccountKey !== undefined && args.storageKeySecret !== undefined) {
    out.push("storageAccountKey and storageKeySecret both name the account key: give one")
  }
  if (args.storageAccountKey !== undefined && args.storageAccount === undefined && args.blobEndpoint === undefined) {
    out.push("storageAccountKey needs storageAccount (or blobEndpoint): the key signs requests to that account")
  }
  return out
}

/**
 * A compiled plan applied to Kubernetes: each object of `manifests(plan)` becomes one typed `@pulumi/kubernetes`
 * resource parented to this component, named `<component>-<object name>` (a URN has the type, not the parent's
 * name, so two components with the same run names stay apart; an alias keeps the bare names of earlier versions).
 *
 * What `pulumi up` does to a one-off run, whose Job ignores changes to its `spec` (`JOB_IGNORE_CHANGES`):
 * - unchanged: nothing;
 * - changed (codespec, env, a new helper image, anything in the pod template): nothing to the Job, which keeps the
 *   spec it ran with; metadata (labels, annotations) is updated in place. A Job's template is immutable, so applying
 *   the change would mean replacing the Job, i.e. running a finished run again;
 * - failed or succeeded: nothing (runs are never retried); running: it goes on, untouched;
 * - re-run on purpose: change its token in `rerun` (or `pulumi up --replace <the Job's URN>`): the Job is deleted
 *   (its pods with it) and created again from the current plan, and its workers are replaced with it;
 * - removed from the plan: the Job is deleted, and with it its pods (a running run is stopped) and its workers.
 * A scheduled run's CronJob is updated in place: later executions use the new template, a running one is left alone.
 * Secrets are updated in place when the Kubernetes provider has `enableSecretMutable` (Pulumi.yaml sets it for the
 * stacks); otherwise Pulumi replaces a changed Secret, which re-runs nothing either (Jobs only `dependsOn` it).
 *
 * A run's Job (or CronJob) depends on its Secret, its sidecars' Role and RoleBinding, the storage-key Secret, and on
 * the Jobs of the runs whose outputs it reads. A distributed run's Service and StatefulSet are owned by its Job
 * (`ownerReferences` with the Job's uid, so they are created after it): deleting the Job garbage-collects them, and
 * its pod's `reap-workers` container deletes them once the Job is final. Fixed names: replacements delete first.
 */
export class WorkflowComponent extends pulumi.ComponentResource {
  /** `Kind/name` of every object: the storage-key Secret if any, then the manifests' objects in their order. */
  readonly objectIds: ReadonlyArray<string> = []
  /** The child resources by `Kind/name`. */
  readonly resources: ReadonlyMap<string, pulumi.CustomResource> = new Map()
  /** The buffer ids of every run's parameters known before its pods run (a stack's output). */
  readonly bufferIds: BufferIds = {}

  constructor(name: string, args: WorkflowArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts)
    if (opts?.urn !== undefined) return // rehydrating an existing component: its children exist already
    const wrong = problems(args.plan, args)
    if (wrong.length > 0) throw new pulumi.ResourceError(`workflow ${name}:\n${wrong.join("\n")}`, this)
    const { plan, bufferUrls, awaitCompletion = false, storageAccountKey, rerun = {}, ...given } = args
    const keySecret = storageAccountKey === undefined ? undefined : storageKeySecretName(name)
    const options: Options = keySecret === undefined ? given : { ...given, storageKeySecret: keySecret }
    const objects = manifests(plan, options)
    const runs = new Map(plan.runs.map((r) => [r.name, r]))
    const resources = new Map<string, pulumi.CustomResource>()
    const childOptions = (object: Objects.KubernetesObject): pulumi.CustomResourceOptions => ({
      parent: this,
      deleteBeforeReplace: true,
      aliases: [{ name: object.metadata.name }]
    })
    const create = <R extends pulumi.CustomResource>(
      object: Objects.KubernetesObject,
      make: (name: string, opts: pulumi.CustomResourceOptions) => R,
      extra: pulumi.CustomResourceOptions = {}
    ): R => {
      const resource = make(`${name}-${object.metadata.name}`, { ...childOptions(object), ...extra })
      resources.set(objectId(object), resource)
      return resource
    }

    // Every Job and CronJob needs the account key before its helpers start.
    const shared: Array<pulumi.CustomResource> = []
    if (keySecret !== undefined && storageAccountKey !== undefined) {
      const secret = new k8s.core.v1.Secret(keySecret, {
        metadata: { name: keySecret, namespace: options.namespace },
        type: "Opaque",
        stringData: { [STORAGE_KEY_SECRET_KEY]: pulumi.secret(storageAccountKey) }
      }, { parent: this, deleteBeforeReplace: true })
      resources.set(`Secret/${keySecret}`, secret)
      shared.push(secret)
    }

    // URLs given as an Output are only known later: the Secrets' data is the manifests' again, with those URLs.
    const secretData = bufferUrls === undefined ? undefined : pulumi.output(bufferUrls).apply((urls) => {
      const out: Record<string, Objects.StringMap> = {}
      for (const object of manifests(plan, { ...options, bufferSecrets: urls as BufferUrls })) {
        if (object.kind === "Secret") out[object.metadata.name] = object.stringData
      }
      return out
    })

    // What a run's pods need before they start: the Secret they mount, the RBAC their sidecars use.
    const prerequisites = new Map<string, Array<pulumi.CustomResource>>()
    const prerequisite = (run: string, resource: pulumi.CustomResource) =>
      prerequisites.set(run, [...(prerequisites.get(run) ?? []), resource])
    const jobs = new Map<string, pulumi.CustomResource>()
    const owners = new Map<string, { readonly resource: k8s.batch.v1.Job; readonly name: string }>()
    const distributed = new Set(objects.filter(isWorker).map((o) => o.metadata.labels?.[RUN_LABEL] ?? ""))
    for (const object of objects) {
      const run = object.metadata.labels?.[RUN_LABEL] ?? ""
      switch (object.kind) {
        case "Secret": {
          const stringData = secretData === undefined
            ? object.stringData
            : pulumi.secret(secretData.apply((all) => all[object.metadata.name] ?? object.stringData))
          prerequisite(run, create(object, (n, o) => new k8s.core.v1.Secret(n, { ...object, stringData }, o)))
          break
        }
        case "Role":
          prerequisite(run, create(object, (n, o) => new k8s.rbac.v1.Role(n, object, o)))
          break
        case "RoleBinding":
          prerequisite(run, create(object, (n, o) => new k8s.rbac.v1.RoleBinding(n, object, o)))
          break
        case "Service":
        case "StatefulSet":
          break // created below, once their Job exists
        case "Job": {
          const producers = (runs.get(run)?.dependsOn ?? []).flatMap((p) => jobs.get(p) ?? [])
          const dependsOn = [...shared, ...(prerequisites.get(run) ?? []), ...producers]
          const awaited = awaitCompletion && !distributed.has(run)
          const timeout = `${(runs.get(run)?.timeoutSeconds ?? object.spec.activeDeadlineSeconds) + AWAIT_GRACE_SECONDS}s`
          const token = rerun[run]
          const annotations = { ...skipAwait(!awaited), ...(token === undefined ? {} : { [RERUN_ANNOTATION]: token }) }
          const job = create(object, (n, o) => new k8s.batch.v1.Job(n, annotate(object, annotations), o), {
            ...(dependsOn.length === 0 ? {} : { dependsOn }),
            ignoreChanges: [...JOB_IGNORE_CHANGES],
            replaceOnChanges: [RERUN_PATH],
            ...(awaited ? { customTimeouts: { create: timeout, update: timeout } } : {})
          })
          jobs.set(run, job)
          owners.set(run, { resource: job, name: object.metadata.name })
          break
        }
        case "CronJob": {
          const dependsOn = [...shared, ...(prerequisites.get(run) ?? [])]
          jobs.set(run, create(object, (n, o) => new k8s.batch.v1.CronJob(n, object, o), dependsOn.length === 0 ? {} : { dependsOn }))
          break
        }
        default: {
          const unknown: never = object
          throw new Error(`no Pulumi resource for ${objectId(unknown)}`)
        }
      }
    }

    for (const object of objects.filter(isWorker)) {
      const run = object.metadata.labels?.[RUN_LABEL] ?? ""
      const job = owners.get(run)
      // `compile` refuses a scheduled run with workers; a hand-made plan is a caller's bug.
      if (job === undefined) throw new Error(`${objectId(object)}: run '${run}' has workers but no Job to own them`)
      const metadata = {
        ...annotate(object, skipAwait(!awaitCompletion)).metadata,
        ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: job.name, uid: job.resource.metadata.uid, blockOwnerDeletion: false }]
      }
      const extra: pulumi.CustomResourceOptions = {
        dependsOn: [job.resource],
        deletedWith: job.resource,
        replaceOnChanges: [...WORKER_REPLACE_ON_CHANGES]
      }
      if (object.kind === "Service") create(object, (n, o) => new k8s.core.v1.Service(n, { ...object, metadata }, o), extra)
      else create(object, (n, o) => new k8s.apps.v1.StatefulSet(n, { ...object, metadata }, o), extra)
    }

    this.objectIds = [...(keySecret === undefined ? [] : [`Secret/${keySecret}`]), ...objects.map(objectId)]
    this.resources = resources
    this.bufferIds = BufferPlan.bufferIds(plan, options.namespace)
    this.registerOutputs({ objects: this.objectIds, bufferIds: this.bufferIds })
  }
}
