import type * as CodespecDocument from "../../model/CodespecDocument.ts"
import type * as Plan from "../../engine/plan/Plan.ts"
import * as Names from "./Names.ts"
import type * as Objects from "./Objects.ts"
import * as Pods from "./Pods.ts"

/**
 * The Role `<run>-buffer-sidecar` and its RoleBinding, for the job pod's service account: what the helper containers
 * of `Contract.ts` ask of the Kubernetes API.
 *
 * - `get` on pods: each buffer sidecar polls its own pod to learn that `main` ended without opening its FIFO
 *   (Tyger's "pipes not touched": an input sidecar then exits quietly, an output sidecar writes an empty complete
 *   buffer); RBAC clusters refuse that to a service account by default, and the sidecar would then wait for the
 *   Job's deadline. Not narrowed by `resourceNames`: the Job controller names the pods, so their names are unknown
 *   here. `get` only, not `watch` or `list`: the sidecar polls one pod by name.
 * - With workers, for `reap-workers`: `get` on the run's Job (has every other pod finished?) and `delete` on the
 *   workers' StatefulSet and Service, each by name, so a pod can end its own run's workers and nothing else.
 *
 * One pair per run, never shared, so deleting a run cannot take the access of another run that happens to use the
 * same service account.
 */
const API_GROUP = "rbac.authorization.k8s.io"

const rules = (run: Plan.Run): Array<Objects.PolicyRule> => [
  { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
  ...(run.worker === undefined ? [] : [
    { apiGroups: ["batch"], resources: ["jobs"], resourceNames: [Names.job(run.name)], verbs: ["get"] },
    { apiGroups: ["apps"], resources: ["statefulsets"], resourceNames: [Names.workers(run.name)], verbs: ["delete"] },
    { apiGroups: [""], resources: ["services"], resourceNames: [Names.workers(run.name)], verbs: ["delete"] }
  ])
]

export const role = (run: Plan.Run, namespace: string): Objects.Role => ({
  apiVersion: `${API_GROUP}/v1`,
  kind: "Role",
  metadata: { name: Names.sidecarAccess(run.name), namespace, labels: Pods.runLabels(run.name) },
  rules: rules(run)
})

/** Binds the Role to whom the job pod runs as: the codespec's identity, else the namespace's `default`. */
export const roleBinding = (run: Plan.Run, spec: CodespecDocument.Spec, namespace: string): Objects.RoleBinding => ({
  apiVersion: `${API_GROUP}/v1`,
  kind: "RoleBinding",
  metadata: { name: Names.sidecarAccess(run.name), namespace, labels: Pods.runLabels(run.name) },
  roleRef: { apiGroup: API_GROUP, kind: "Role", name: Names.sidecarAccess(run.name) },
  subjects: [{ kind: "ServiceAccount", name: Pods.serviceAccountName(spec), namespace }]
})
