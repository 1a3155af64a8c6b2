import type * as CodespecDocument from "../../model/CodespecDocument.ts"
import type * as Plan from "../../engine/plan/Plan.ts"
import * as WorkerTopology from "../../engine/plan/WorkerTopology.ts"
import * as Names from "./Names.ts"
import type * as Objects from "./Objects.ts"
import * as Pods from "./Pods.ts"

/**
 * A distributed run's workers: a StatefulSet (stable pod names `<name>-<i>`, started all at once) behind a headless
 * Service of the same name, which gives every worker the DNS name the job is told about.
 */
export type Topology = WorkerTopology.WorkerTopology

export const topology = (
  run: Plan.Run,
  worker: { readonly spec: CodespecDocument.Spec; readonly target: Plan.WorkerTarget },
  namespace: string,
  clusterDomain: string
): Topology => ({
  hosts: Names.workerHosts(run.name, worker.target.replicas, namespace, clusterDomain),
  endpoints: WorkerTopology.endpointsOf(worker.spec)
})

/** Tyger's variables and the run's derived values (engine/plan/WorkerTopology.ts) as container env. */
export const jobEnv = (topology: Topology, derived: Plan.JobTarget["env"]): Array<Objects.EnvVar> =>
  WorkerTopology.jobEnv(topology, derived).map(([name, value]) => ({ name, value }))

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
  worker: { readonly spec: CodespecDocument.Checked; readonly target: Plan.WorkerTarget },
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
        // The identity label only on the pods: the selector must stay what it was, whatever the codespec becomes.
        metadata: { labels: { ...labels, ...Pods.identityLabels(worker.spec) } },
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
