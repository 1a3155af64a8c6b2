import { Effect } from "effect"
import * as FsP from "node:fs/promises"
import * as Https from "node:https"
import * as Path from "node:path"
import { messageOf } from "./SidecarError.ts"

/**
 * In-cluster requests to the Kubernetes API server as the pod's service account, for the job pod's helper containers
 * (MainWatch.ts, ReapWorkers.ts): `KUBERNETES_SERVICE_HOST/PORT` locate the server, the service account directory
 * holds the bearer token and the CA. The token is re-read for every request (bound tokens rotate). No client library:
 * two verbs on a few paths do not warrant one. `TYGER_TS_SERVICE_ACCOUNT_DIR` overrides the service account directory
 * (tests use it with a fake API server). Failures are messages (strings): callers log them and retry.
 */

export type Env = Readonly<Record<string, string | undefined>>

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
const TIMEOUT_MILLIS = 10_000

export interface Call {
  /** How messages name the request: `GET pod`. */
  readonly what: string
  /** What a 403 means the service account lacks, added to the message: `the pod's service account needs 'get' on pods`. */
  readonly forbidden: string
  /** Statuses besides 2xx that are answers, not failures (a DELETE's 404). */
  readonly accept?: ReadonlyArray<number>
}

export interface Answer {
  readonly status: number
  /** The parsed JSON body; `undefined` for an accepted status whose body is not JSON. */
  readonly body: unknown
}

const send = async (env: Env, method: "GET" | "DELETE", apiPath: string, call: Call, signal: AbortSignal): Promise<Answer> => {
  const host = env["KUBERNETES_SERVICE_HOST"] ?? ""
  if (host === "") throw new Error("not running in a Kubernetes cluster (KUBERNETES_SERVICE_HOST is not set)")
  const dir = env["TYGER_TS_SERVICE_ACCOUNT_DIR"] ?? SERVICE_ACCOUNT_DIR
  const [token, ca] = await Promise.all([
    FsP.readFile(Path.join(dir, "token"), "utf8"),
    FsP.readFile(Path.join(dir, "ca.crt"))
  ])
  return new Promise<Answer>((resolve, reject) => {
    const request = Https.request({
      method,
      host,
      port: Number(env["KUBERNETES_SERVICE_PORT"] ?? "443"),
      path: apiPath,
      headers: { Authorization: `Bearer ${token.trim()}`, Accept: "application/json" },
      ca,
      timeout: TIMEOUT_MILLIS,
      signal
    }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("error", reject)
      response.on("end", () => {
        const status = response.statusCode ?? 0
        const text = Buffer.concat(chunks).toString("utf8")
        let parsed: { readonly message?: unknown } | undefined
        try {
          parsed = JSON.parse(text) as { readonly message?: unknown }
        } catch {
          // Not JSON (a proxy's error page): the start of the body says enough.
        }
        if (status >= 200 && status < 300 && parsed !== undefined) return resolve({ status, body: parsed })
        if (call.accept?.includes(status) === true) return resolve({ status, body: parsed })
        const hint = status === 403 ? ` (${call.forbidden})` : ""
        reject(new Error(`${call.what}: ${status} ${String(parsed?.message ?? text.slice(0, 300))}${hint}`))
      })
    })
    request.on("timeout", () => request.destroy(new Error(`the API server did not answer within ${TIMEOUT_MILLIS / 1000}s`)))
    request.on("error", reject)
    request.end()
  })
}

/** One in-cluster request; an interruption aborts it. Fails with why, as one message. */
export const request = (env: Env, method: "GET" | "DELETE", apiPath: string, call: Call): Effect.Effect<Answer, string> =>
  Effect.tryPromise({ try: (signal) => send(env, method, apiPath, call, signal), catch: messageOf })

/** `GET path`: the object. */
export const get = (env: Env, apiPath: string, call: Call): Effect.Effect<unknown, string> =>
  Effect.map(request(env, "GET", apiPath, call), (answer) => answer.body)

/**
 * `DELETE path` with background propagation (the dependents, a StatefulSet's pods, are deleted by the garbage
 * collector, so the call returns at once): `"deleted"`, or `"absent"` on a 404 (already deleted, by whom is no matter).
 */
export const remove = (env: Env, apiPath: string, call: Omit<Call, "accept">): Effect.Effect<"deleted" | "absent", string> =>
  Effect.map(
    request(env, "DELETE", `${apiPath}?propagationPolicy=Background`, { ...call, accept: [404] }),
    (answer) => (answer.status === 404 ? "absent" as const : "deleted" as const)
  )

/** `segments` as an API path, each one escaped: `path("api", "v1", "namespaces", ns)`. */
export const path = (...segments: ReadonlyArray<string>): string => `/${segments.map(encodeURIComponent).join("/")}`
