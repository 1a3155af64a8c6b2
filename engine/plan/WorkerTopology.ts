import * as CodespecDocument from "../../model/CodespecDocument.ts"
import * as Derived from "../../dsl/Derived.ts"
import type * as Plan from "./Plan.ts"

/**
 * Where a distributed run's workers listen, as the job is told: every provider names its workers its own way (DNS
 * names of a StatefulSet, host names on a Docker network) but hands the job the same variables.
 */
export interface WorkerTopology {
  /** Worker host names, in worker order. */
  readonly hosts: ReadonlyArray<string>
  /** Endpoint ports by endpoint name, in name order. */
  readonly endpoints: ReadonlyArray<readonly [string, number]>
}

export const endpointsOf = (spec: CodespecDocument.Spec): ReadonlyArray<readonly [string, number]> =>
  Object.entries(spec.endpoints ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

/** `Derived.render` takes the DSL's shape, whose endpoint source also names its codespec; the plan drops that name. */
const toDerived = (value: Plan.DerivedValue): Pick<Derived.Derived, "source" | "format"> => ({
  format: value.format,
  source: value.source.kind === "workerNodes" ? value.source : { ...value.source, codespec: undefined }
})

/**
 * The job's variables: Tyger's (`TYGER_WORKER_NODES`, `TYGER_<EP>_WORKER_ENDPOINT_ADDRESSES`: JSON arrays in worker
 * order), then the run's derived values (a comma-joined list for DAPHNE's `DISTRIBUTED_WORKERS`, say).
 */
export const jobEnv = (topology: WorkerTopology, derived: Plan.JobTarget["env"]): Array<readonly [string, string]> => {
  const ports = Object.fromEntries(topology.endpoints)
  return [
    [CodespecDocument.WORKER_NODES_VARIABLE, JSON.stringify(topology.hosts)],
    ...topology.endpoints.map(([endpoint, port]) =>
      [CodespecDocument.endpointVariable(endpoint), JSON.stringify(topology.hosts.map((h) => `${h}:${port}`))] as const
    ),
    ...Object.entries(derived).map(([name, value]) => [name, Derived.render(toDerived(value), topology.hosts, ports)] as const)
  ]
}
