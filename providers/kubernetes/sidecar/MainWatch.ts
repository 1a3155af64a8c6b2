import { Duration, Effect } from "effect"
import * as FsP from "node:fs/promises"
import * as KubeApi from "./KubeApi.ts"

/**
 * When `main` is gone. Learnt from `--tombstone FILE` appearing (Tyger's Docker mode) or, with `--namespace --pod
 * --container`, by polling `GET /api/v1/namespaces/NS/pods/POD` with the pod's service account until that container
 * is terminated. That needs RBAC a service account does not have by default: a Role with
 * `{apiGroups: [""], resources: ["pods"], verbs: ["get"]}` in NS, bound to the service account, which the manifests
 * emit for every run with buffers (../SidecarAccess.ts). Without it (objects applied by hand, the binding revoked)
 * the sidecar logs why it cannot watch, with a hint on a 403, and relies on the Job's deadline.
 * The request itself, and `TYGER_TS_SERVICE_ACCOUNT_DIR` for tests, are KubeApi.ts's.
 */

export type Env = KubeApi.Env

const POD_POLL = Duration.seconds(2)
const POD_POLL_AFTER_ERROR = Duration.seconds(10)

export const watchTombstone = (file: string) =>
  Effect.gen(function*() {
    while (!(yield* Effect.promise(() => FsP.access(file).then(() => true, () => false)))) yield* Effect.sleep("250 millis")
    yield* Effect.logInfo("Tombstone file created.")
  })

type ContainerStatuses = ReadonlyArray<{ readonly name?: string; readonly state?: { readonly terminated?: unknown } }>
type Pod = {
  readonly status?: { readonly phase?: string; readonly containerStatuses?: ContainerStatuses; readonly initContainerStatuses?: ContainerStatuses }
}

/** Whether `container` has terminated (a native sidecar `main` is listed among the init containers). */
export const containerTerminated = (pod: Pod, container: string): boolean => {
  const status = pod.status
  if (status?.phase === "Succeeded" || status?.phase === "Failed") return true
  const all = [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? [])]
  return all.some((s) => s.name === container && s.state?.terminated !== undefined && s.state.terminated !== null)
}

/** One in-cluster `GET` of the pod (KubeApi.ts). */
const getPod = (env: Env, namespace: string, pod: string): Effect.Effect<Pod, string> =>
  Effect.map(
    KubeApi.get(env, KubeApi.path("api", "v1", "namespaces", namespace, "pods", pod), {
      what: "GET pod",
      forbidden: "the pod's service account needs 'get' on pods"
    }),
    (found) => found as Pod
  )

export const watchPod = (env: Env, namespace: string, pod: string, container: string) =>
  Effect.gen(function*() {
    let reported: string | undefined
    for (;;) {
      const answer = yield* getPod(env, namespace, pod).pipe(
        Effect.map((found): boolean | undefined => containerTerminated(found, container)),
        Effect.catch((problem) =>
          problem === reported ? Effect.succeed(undefined) : Effect.as(
            Effect.logWarning(`Cannot watch container ${container} of pod ${namespace}/${pod}: ${(reported = problem)}. Retrying.`),
            undefined
          )
        )
      )
      if (answer === true) return yield* Effect.logInfo("Target container completed.")
      yield* Effect.sleep(answer === undefined ? POD_POLL_AFTER_ERROR : POD_POLL)
    }
  })
