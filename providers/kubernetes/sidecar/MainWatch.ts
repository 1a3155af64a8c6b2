import { Duration, Effect } from "effect"
import * as FsP from "node:fs/promises"
import * as Https from "node:https"
import * as Path from "node:path"
import { messageOf } from "./SidecarError.ts"

/**
 * When `main` is gone. Learnt from `--tombstone FILE` appearing (Tyger's Docker mode) or, with `--namespace --pod
 * --container`, by polling `GET /api/v1/namespaces/NS/pods/POD` with the pod's service account until that container
 * is terminated. That needs RBAC a service account does not have by default: a Role with
 * `{apiGroups: [""], resources: ["pods"], verbs: ["get"]}` in NS, bound to the service account, which the manifests
 * emit for every run with buffers (../SidecarAccess.ts). Without it (objects applied by hand, the binding revoked)
 * the sidecar logs why it cannot watch, with a hint on a 403, and relies on the Job's deadline.
 * `TYGER_TS_SERVICE_ACCOUNT_DIR` overrides the service account directory (tests use it with a fake API server).
 */

export type Env = Readonly<Record<string, string | undefined>>

const POD_POLL = Duration.seconds(2)
const POD_POLL_AFTER_ERROR = Duration.seconds(10)
const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"

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

/** One in-cluster `GET` of the pod: the service account token is re-read each time (bound tokens rotate). */
const getPod = async (env: Env, namespace: string, pod: string): Promise<Pod> => {
  const host = env["KUBERNETES_SERVICE_HOST"] ?? ""
  if (host === "") throw new Error("not running in a Kubernetes cluster (KUBERNETES_SERVICE_HOST is not set)")
  const dir = env["TYGER_TS_SERVICE_ACCOUNT_DIR"] ?? SERVICE_ACCOUNT_DIR
  const [token, ca] = await Promise.all([
    FsP.readFile(Path.join(dir, "token"), "utf8"),
    FsP.readFile(Path.join(dir, "ca.crt"))
  ])
  return new Promise<Pod>((resolve, reject) => {
    const request = Https.request({
      host,
      port: Number(env["KUBERNETES_SERVICE_PORT"] ?? "443"),
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`,
      headers: { Authorization: `Bearer ${token.trim()}`, Accept: "application/json" },
      ca,
      timeout: 10_000
    }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("error", reject)
      response.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8")
        let parsed: { readonly message?: unknown } | undefined
        try {
          parsed = JSON.parse(body) as { readonly message?: unknown }
        } catch {
          // Not JSON (a proxy's error page): the start of the body says enough.
        }
        if (response.statusCode === 200 && parsed !== undefined) return resolve(parsed as Pod)
        const hint = response.statusCode === 403 ? " (the pod's service account needs 'get' on pods)" : ""
        reject(new Error(`GET pod: ${response.statusCode} ${String(parsed?.message ?? body.slice(0, 300))}${hint}`))
      })
    })
    request.on("timeout", () => request.destroy(new Error("the API server did not answer within 10s")))
    request.on("error", reject)
    request.end()
  })
}

export const watchPod = (env: Env, namespace: string, pod: string, container: string) =>
  Effect.gen(function*() {
    let reported: string | undefined
    for (;;) {
      const answer = yield* Effect.tryPromise({ try: () => getPod(env, namespace, pod), catch: messageOf }).pipe(
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
