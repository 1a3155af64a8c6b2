import { createHash } from "node:crypto"

/**
 * Object names derived from a plan run's name, which `compile` already limits to a DNS-1123 label of at most 52
 * characters (the CronJob limit: its controller appends an 11-character suffix to name each Job). Every name here is
 * a pure function of the run name, so applying a plan twice names the same objects.
 */
export const MAX_LABEL = 63

/**
 * A StatefulSet's controller labels each revision `<name>-<10-character hash>`, a label value of at most 63
 * characters, so the StatefulSet name itself must fit in 52.
 */
export const MAX_STATEFUL_SET = 52

const shortHash = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 8)

/**
 * `base + suffix` when it fits in `max`; otherwise base is cut and an 8-hex hash of the whole base keeps distinct
 * long names distinct (the cdk8s `Names.toDnsLabel` approach).
 */
export const fit = (base: string, suffix: string, max: number): string => {
  const whole = `${base}${suffix}`
  if (whole.length <= max) return whole
  const keep = base.slice(0, Math.max(0, max - suffix.length - 9)).replace(/-+$/, "")
  return `${keep}-${shortHash(base)}${suffix}`
}

/** The batch/v1 Job of a one-off run. */
export const job = (run: string): string => `${run}-job`

/** The CronJob of a scheduled run: the run name itself, the only name that always fits the CronJob limit. */
export const cronJob = (run: string): string => run

/** The Secret with each buffer parameter's access URL. */
export const bufferSecret = (run: string): string => `${run}-buffers`

/**
 * The Role letting the helper containers read their pod (and, with workers, end them), and its RoleBinding; named
 * after the buffer sidecars, its first users, and kept so that applying a new version replaces no RBAC object. RBAC would accept a longer name; it is
 * cut to a DNS label anyway so that every object name of a run is one, whatever tool reads it.
 */
export const sidecarAccess = (run: string): string => fit(run, "-buffer-sidecar", MAX_LABEL)

/**
 * The StatefulSet of the workers and its headless Service share this name (`serviceName` must name the Service).
 * A Service name is a DNS-1035 label, which must start with a letter; run names may start with a digit.
 */
export const workers = (run: string): string => fit(/^[a-z]/.test(run) ? run : `run-${run}`, "-worker", MAX_STATEFUL_SET)

/** `<statefulset>-<i>.<service>.<namespace>.svc.<cluster domain>`: the stable DNS name of worker `i`. */
export const workerHost = (run: string, index: number, namespace: string, clusterDomain: string): string =>
  `${workers(run)}-${index}.${workers(run)}.${namespace}.svc.${clusterDomain}`

/** Every worker's DNS name, in worker order. */
export const workerHosts = (run: string, replicas: number, namespace: string, clusterDomain: string): Array<string> =>
  Array.from({ length: replicas }, (_, i) => workerHost(run, i, namespace, clusterDomain))

/** IANA service names for ports: lower-case letters, digits and single hyphens, at most 15, at least one letter. */
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/

/**
 * Port names of a worker's endpoints, by endpoint: the endpoint's name when Kubernetes accepts it as a port name
 * (lower-cased, unique), else `port-<number>`.
 */
export const portNames = (endpoints: ReadonlyArray<readonly [string, number]>): ReadonlyMap<string, string> => {
  const used = new Set<string>()
  const out = new Map<string, string>()
  for (const [endpoint, port] of endpoints) {
    const lowered = endpoint.toLowerCase()
    let name = lowered.length <= 15 && PORT_NAME.test(lowered) && !used.has(lowered) ? lowered : `port-${port}`
    for (let n = 2; used.has(name); n++) name = `port-${port}-${n}`
    used.add(name)
    out.set(endpoint, name)
  }
  return out
}
