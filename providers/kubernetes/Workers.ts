import * as CodespecSpec from "../../dsl/CodespecSpec.ts"
import * as Derived from "../../dsl/Derived.ts"
import type * as Plan from "../../engine/Plan.ts"
import * as Names from "./Names.ts"
import type * as Objects from "./Objects.ts"
import * as Pods from "./Pods.ts"

/**
 * A distributed run's workers: a StatefulSet (stable pod names `<name>-<i>`, started all at once) behind a headless
 * Service of the same name, which gives every worker the DNS name the job is told about.
 */
export interface Topology {
  /** Worker DNS names, in worker order. */
  readonly hosts: ReadonlyArray<string>
  /** Endpoint ports by endpoint name, in name order. */
  readonly endpoints: ReadonlyArray<readonly [string, number]>
}

export const topology = (
  run: Plan.Run,
  worker: { readonly spec: CodespecSpec.Spec; readonly target: Plan.WorkerTarget },
  namespace: string,
  clusterDomain: string
): Topology => ({
  hosts: Names.workerHosts(run.name, worker.target.replicas, namespace, clusterDomain),
  endpoints: Object.entries(worker.spec.endpoints ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
})

/** Tyger's variables (`TYGER_WORKER_NODES`, `TYGER_<EP>_WORKER_ENDPOINT_ADDRESSES`: JSON arrays), then derived ones. */
export const jobEnv = (topology: Topology, derived: Plan.JobTarget["env"]): Array<Objects.EnvVar> => {
  const ports = Object.fromEntries(topology.endpoints)
  return [
    { name: CodespecSpec.WORKER_NODES_VARIABLE, value: JSON.stringify(topology.hosts) },
    ...topology.endpoints.map(([endpoint, port]) => ({
      name: CodespecSpec.endpointVariable(endpoint),
      value: JSON.stringify(topology.hosts.map((h) => `${h}:${port}`))
    })),
    ...Object.entries(derived).map(([name, value]) => ({ name, value: Derived.render(toDerived(value), topology.hosts, ports) }))
  ]
}

/** `Derived.render` takes the DSL's shape, whose endpoint source also names its codespec; the plan drops that name. */
const toDerived = (value: Plan.DerivedValue): Pick<Derived.Derived, "source" | "format"> => ({
  format: value.format,
  source: value.source.kind === "workerNodes" ? value.source : { ...value.source, codespec: undefined }
})

/** What the job waits for: every endpoint of every worker accepting TCP, or every worker resolving without any. */
export const waitTargets = (topology: Topology): Array<string> =>
  topology.endpoints.length === 0
    ? [...topology.hosts]
    : topology.hosts.flatMap((h) => topology.endpoints.map(([, port]) => `${h}:${port}`))

/** One Service port per distinct port number (a Service rejects duplicates). */
const servicePorts = (topology: Topology): Array<Objects.ServicePort> => {
  const names = Names.portNames(topology.endpoints)
  const seen = new Set<number>()
  const out: Array<Objects.ServicePort> = []
  for (const [endpoint, port] of topology.endpoints) {
    if (seen.has(port)) continue
    seen.add(port)
    out.push({ name: names.get(endpoint) ?? `port-${port}`, port, targetPort: port, protocol: "TCP" })
  }
  return out
}

export const service = (run: Plan.Run, topology: Topology, namespace: string): Objects.Service => {
  const ports = servicePorts(topology)
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: Names.workers(run.name), namespace, labels: Pods.workerLabels(run.name) },
    spec: {
      clusterIP: "None",
      selector: Pods.workerLabels(run.name),
      ...(ports.length === 0 ? {} : { ports })
    }
  }
}

/** Workers get `TYGER_RUN_ID` and their codespec env only (no buffers), and are restarted when they exit. */
export const statefulSet = (
  run: Plan.Run,
  worker: { readonly spec: CodespecSpec.Checked; readonly target: Plan.WorkerTarget },
  topology: Topology,
  namespace: string
): Objects.StatefulSet => {
  const memory = Pods.shm(worker.spec)
  const ports = servicePorts(topology).map((p): Objects.ContainerPort => ({ containerPort: p.port, name: p.name, protocol: "TCP" }))
  const env = [{ name: "TYGER_RUN_ID", value: run.name }, ...Pods.codespecEnv(worker.spec)]
  const main = Pods.mainContainer(worker.spec, env, memory === undefined ? [] : [memory.mount], ports.length === 0 ? {} : { ports })
  const labels = Pods.workerLabels(run.name)
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: Names.workers(run.name), namespace, labels },
    spec: {
      serviceName: Names.workers(run.name),
      replicas: worker.target.replicas,
      podManagementPolicy: "Parallel",
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Always",
          ...Pods.serviceAccount(worker.spec),
          ...Pods.scheduling(worker.spec, worker.target.nodePool),
          containers: [main],
          ...(memory === undefined ? {} : { volumes: [memory.volume] })
        }
      }
    }
  }
}
