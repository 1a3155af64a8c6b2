import * as FsP from "node:fs/promises"
import type { TokenCredential } from "../../../engine/buffers/AzureBlobStore.ts"
import { STORAGE_KEY_ENV } from "../Contract.ts"
import type { Env } from "./MainWatch.ts"

/**
 * The storage credentials a helper container finds in its environment, for container URLs without a SAS (../Contract.ts):
 * the account key (`AZURE_STORAGE_KEY`, from `Options.storageKeySecret`; the account from `AZURE_STORAGE_ACCOUNT` or the
 * endpoint), else AKS workload identity (`AZURE_FEDERATED_TOKEN_FILE`, `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`,
 * `AZURE_AUTHORITY_HOST`, injected by its webhook). The key takes precedence: it is what the deployment configured
 * explicitly, while the webhook's variables may be there for another purpose of the pod.
 *
 * Workload identity is the OAuth2 client-credentials grant with the projected service account token as the client
 * assertion, which is all `@azure/identity`'s WorkloadIdentityCredential does: a few lines here spare the image a
 * dependency (and its start-up cost) for one POST.
 */

export type Ambient =
  | { readonly _tag: "SharedKey"; readonly accountName: string; readonly accountKey: string }
  | { readonly _tag: "WorkloadIdentity"; readonly credential: TokenCredential }

export const STORAGE_SCOPE = "https://storage.azure.com/.default"
const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com/"
/** A cached token is replaced this long before it expires, so no request ever carries one that expires in flight. */
const EXPIRY_MARGIN_MILLIS = 5 * 60_000
/** One token exchange; Entra ID answers in well under a second, a hung connection must not hold the pod forever. */
const EXCHANGE_TIMEOUT_MILLIS = 30_000

const WORKLOAD_IDENTITY_ENV = ["AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID", "AZURE_TENANT_ID"] as const

/** What to do when neither credential is there, naming both. */
export const NO_CREDENTIALS = `there are no storage credentials in the environment: set ${STORAGE_KEY_ENV} (the storage ` +
  `account key, with AZURE_STORAGE_ACCOUNT unless the endpoint names the account), or use workload identity ` +
  `(${WORKLOAD_IDENTITY_ENV.join(", ")}, set by AKS in pods labelled azure.workload.identity/use: "true")`

const set = (env: Env, name: string): string | undefined => {
  const value = env[name]
  return value === undefined || value.trim() === "" ? undefined : value.trim()
}

/**
 * As the Azure SDK reads an endpoint: path-style (`http://127.0.0.1:10000/devstoreaccount1`, the emulator's) for IP
 * hosts, localhost and the emulator's ports, where the account is the first path segment; otherwise the host names it.
 */
const isPathStyle = (url: URL): boolean =>
  /^.*:.*:.*$|^(localhost|host\.docker\.internal)(:\d+)?$|^\d{1,3}(\.\d{1,3}){3}(:\d+)?$/.test(url.host) ||
  (url.port !== "" && Number(url.port) >= 10000 && Number(url.port) <= 10012)

/**
 * The storage account of a blob endpoint (`https://acct.blob.core.windows.net`, or path-style as above), if the
 * endpoint says; a custom domain does not, and then `AZURE_STORAGE_ACCOUNT` must.
 */
export const accountNameOf = (endpoint: URL): string | undefined => {
  if (isPathStyle(endpoint)) {
    const first = endpoint.pathname.split("/").find((segment) => segment !== "")
    return first === undefined ? undefined : decodeURIComponent(first)
  }
  const [label, ...rest] = endpoint.hostname.split(".")
  return label !== undefined && label !== "" && rest[0] === "blob" ? label : undefined
}

/** Why a workload identity exchange failed: the endpoint's `error` and `error_description`, or the transport's error. */
const exchangeError = (url: string, status: number, body: string): Error => {
  let answer: { readonly error?: unknown; readonly error_description?: unknown } = {}
  try {
    answer = JSON.parse(body) as typeof answer
  } catch {
    // Not JSON (a proxy's error page): the start of the body says enough.
  }
  const what = typeof answer.error === "string"
    ? `${answer.error}: ${String(answer.error_description ?? "").split("\n")[0]}`
    : body.slice(0, 300)
  return new Error(`workload identity: the token request to ${url} failed: ${status} ${what}`)
}

export interface WorkloadIdentity {
  readonly tenantId: string
  readonly clientId: string
  /** Re-read for every exchange: kubelet rotates the projected token (hourly), and an old one is refused. */
  readonly tokenFile: string
  readonly authorityHost?: string | undefined
}

/**
 * A TokenCredential (as the Azure SDK takes it) for workload identity: one client-assertion exchange per scope, its
 * token reused until {@link EXPIRY_MARGIN_MILLIS} before it expires; concurrent callers share one exchange.
 */
export const workloadIdentity = (options: WorkloadIdentity): TokenCredential => {
  const authority = options.authorityHost ?? DEFAULT_AUTHORITY_HOST
  const url = `${authority.endsWith("/") ? authority : `${authority}/`}${encodeURIComponent(options.tenantId)}/oauth2/v2.0/token`
  const cached = new Map<string, Promise<{ readonly token: string; readonly expiresOnTimestamp: number }>>()

  const exchange = async (scope: string) => {
    const assertion = (await FsP.readFile(options.tokenFile, "utf8")).trim()
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        client_id: options.clientId,
        scope,
        grant_type: "client_credentials",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion
      }).toString(),
      signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MILLIS)
    })
    const body = await response.text()
    if (!response.ok) throw exchangeError(url, response.status, body)
    const answer = JSON.parse(body) as { readonly access_token?: unknown; readonly expires_in?: unknown }
    const seconds = Number(answer.expires_in)
    if (typeof answer.access_token !== "string" || !Number.isFinite(seconds)) {
      throw new Error(`workload identity: the answer of ${url} has no access_token and expires_in`)
    }
    return { token: answer.access_token, expiresOnTimestamp: Date.now() + seconds * 1000 }
  }

  const bearer = (token: { readonly token: string; readonly expiresOnTimestamp: number }) => ({ ...token, tokenType: "Bearer" as const })
  return {
    getToken: async (scopes) => {
      const scope = (typeof scopes === "string" ? [scopes] : scopes).join(" ") || STORAGE_SCOPE
      const pending = cached.get(scope)
      if (pending === undefined) cached.set(scope, exchange(scope))
      else {
        const token = await pending.catch(() => undefined)
        if (token !== undefined && token.expiresOnTimestamp - EXPIRY_MARGIN_MILLIS > Date.now()) return bearer(token)
        // Failed or about to expire: the first caller to notice starts the next exchange, the others join it.
        if (cached.get(scope) === pending) cached.set(scope, exchange(scope))
      }
      return bearer(await cached.get(scope)!)
    }
  }
}

/**
 * The credentials in `env` for the storage account of `endpoint` (the blob endpoint, without a container), or why
 * there are none usable.
 */
export const fromEnv = (env: Env, endpoint: URL): { readonly ambient: Ambient } | { readonly problem: string } => {
  const accountKey = set(env, STORAGE_KEY_ENV)
  if (accountKey !== undefined) {
    const accountName = set(env, "AZURE_STORAGE_ACCOUNT") ?? accountNameOf(endpoint)
    if (accountName === undefined) {
      return { problem: `${STORAGE_KEY_ENV} is set but the storage account of ${endpoint.href} is unknown: set AZURE_STORAGE_ACCOUNT` }
    }
    return { ambient: { _tag: "SharedKey", accountName, accountKey } }
  }
  const [tokenFile, clientId, tenantId] = WORKLOAD_IDENTITY_ENV.map((name) => set(env, name))
  if (tokenFile === undefined || clientId === undefined || tenantId === undefined) return { problem: NO_CREDENTIALS }
  const authorityHost = set(env, "AZURE_AUTHORITY_HOST")
  return { ambient: { _tag: "WorkloadIdentity", credential: workloadIdentity({ tenantId, clientId, tokenFile, authorityHost }) } }
}

/**
 * An account key as a connection string for `endpoint`: how the engine's Azure store takes a shared key without this
 * module constructing the SDK's StorageSharedKeyCredential (providers never load the SDK themselves).
 */
export const connectionString = (endpoint: URL, accountName: string, accountKey: string): string =>
  `DefaultEndpointsProtocol=${endpoint.protocol.replace(/:$/, "")};AccountName=${accountName};AccountKey=${accountKey};` +
  `BlobEndpoint=${endpoint.href.replace(/\/+$/, "")};`
