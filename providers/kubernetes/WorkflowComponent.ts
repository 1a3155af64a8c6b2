import * as k8s from "@pulumi/kubernetes"
import * as pulumi from "@pulumi/pulumi"
import type * as Plan from "../../engine/plan/Plan.ts"
import * as BufferSecret from "./BufferSecret.ts"
import { manifests, objectId } from "./Manifests.ts"
import type * as Objects from "./Objects.ts"
import type { BufferUrls, Options } from "./Options.ts"
import { RUN_LABEL } from "./Pods.ts"

export const TYPE = "tyger-ts:kubernetes:Workflow"

/** Pulumi's annotation to return as soon as the API server accepted an object instead of awaiting readiness. */
export const SKIP_AWAIT = "pulumi.com/skipAwait"

export interface WorkflowArgs extends Omit<Options, "bufferSecrets"> {
  /** A compiled plan (compile with the Kubernetes capabilities: nothing is validated here). */
  readonly plan: Plan.Plan
  /** Access URLs by run and parameter; typically a secret from stack config. They only ever reach the Secrets. */
  readonly bufferUrls?: pulumi.Input<BufferUrls>
  /**
   * Let `pulumi up` wait for each Job to complete and each StatefulSet and Service to be ready (Pulumi's default
   * await, 10 minutes). Off by default: a run may take hours, and its outcome is the Job's status, not the update's.
   * @default false
   */
  readonly awaitCompletion?: boolean
}

const withAnnotation = <O extends Objects.KubernetesObject>(object: O, add: boolean): O =>
  add ? { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [SKIP_AWAIT]: "true" } } } : object

/**
 * A compiled plan applied to Kubernetes: each object of `manifests(plan)` becomes one typed `@pulumi/kubernetes`
 * resource parented to this component. A run's Job (or CronJob) depends on its Secret, its sidecars' Role and
 * RoleBinding, and on the Jobs of the runs whose outputs it reads. Names are fixed, so replacements delete before
 * they create.
 */
export class WorkflowComponent extends pulumi.ComponentResource {
  /** `Kind/name` of every object, in creation order. */
  readonly objectIds: ReadonlyArray<string> = []
  /** The child resources by `Kind/name`. */
  readonly resources: ReadonlyMap<string, pulumi.CustomResource> = new Map()

  constructor(name: string, args: WorkflowArgs, opts?: pulumi.ComponentResourceOptions) {
    super(TYPE, name, {}, opts)
    if (opts?.urn !== undefined) return // rehydrating an existing component: its children exist already
    const { plan, bufferUrls, awaitCompletion = false, ...options } = args
    const objects = manifests(plan, options)
    const resources = new Map<string, pulumi.CustomResource>()
    // What a run's pods need before they start: the Secret they mount, the RBAC their sidecars use.
    const prerequisites = new Map<string, Array<pulumi.CustomResource>>()
    const prerequisite = (run: string, resource: pulumi.CustomResource) =>
      prerequisites.set(run, [...(prerequisites.get(run) ?? []), resource])
    const jobs = new Map<string, pulumi.CustomResource>()
    const runs = new Map(plan.runs.map((r) => [r.name, r]))
    for (const object of objects) {
      const run = object.metadata.labels?.[RUN_LABEL] ?? ""
      const common = { parent: this, deleteBeforeReplace: true }
      let resource: pulumi.CustomResource
      switch (object.kind) {
        case "Secret": {
          const stringData = bufferUrls === undefined
            ? object.stringData
            : pulumi.secret(pulumi.output(bufferUrls).apply((urls) => BufferSecret.planSecretData(plan, run, urls, options.storageAccount)))
          resource = new k8s.core.v1.Secret(object.metadata.name, { ...object, stringData }, common)
          prerequisite(run, resource)
          break
        }
        case "Role":
          resource = new k8s.rbac.v1.Role(object.metadata.name, object, common)
          prerequisite(run, resource)
          break
        case "RoleBinding":
          resource = new k8s.rbac.v1.RoleBinding(object.metadata.name, object, common)
          prerequisite(run, resource)
          break
        case "Service":
          resource = new k8s.core.v1.Service(object.metadata.name, withAnnotation(object, !awaitCompletion), common)
          break
        case "StatefulSet":
          resource = new k8s.apps.v1.StatefulSet(object.metadata.name, withAnnotation(object, !awaitCompletion), common)
          break
        case "Job":
        case "CronJob": {
          const producers = (runs.get(run)?.dependsOn ?? []).flatMap((p) => jobs.get(p) ?? [])
          const dependsOn = [...(prerequisites.get(run) ?? []), ...producers]
          const jobOpts = { ...common, ...(dependsOn.length === 0 ? {} : { dependsOn }) }
          resource = object.kind === "Job"
            ? new k8s.batch.v1.Job(object.metadata.name, withAnnotation(object, !awaitCompletion), jobOpts)
            : new k8s.batch.v1.CronJob(object.metadata.name, object, jobOpts)
          jobs.set(run, resource)
          break
        }
      }
      resources.set(objectId(object), resource)
    }
    this.objectIds = objects.map(objectId)
    this.resources = resources
    this.registerOutputs({ objects: this.objectIds })
  }
}
