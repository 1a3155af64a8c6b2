import * as Plan from "./Plan.ts"

/**
 * Run settings that only mean something on a cluster: the node pool a job or its workers are scheduled on, the
 * workload identity a codespec runs as, and the cluster a run goes to. Tyger's Docker mode accepts runs that carry
 * them and realises them without them (its DockerRunCreator sets `Cluster = null` and never reads the node pool or the
 * identity), so a run file written for the cloud also runs locally. A provider declares which of them it ignores;
 * compile then does not refuse the capability, the plan still carries the setting (for a provider that uses it), and
 * the engine warns once per setting when it creates such a run.
 */
export type Setting = "NodePools" | "Identities" | "Cluster"

/** Whether a capability a run requires is one the provider ignores rather than refuses. */
export const covers = (ignored: ReadonlySet<Setting> | undefined, capability: Plan.Capability): boolean =>
  ignored !== undefined && (capability === "NodePools" || capability === "Identities") && ignored.has(capability)

/** Each value once, in order of appearance. */
const distinct = (values: ReadonlyArray<string | undefined>): ReadonlyArray<string> =>
  [...new Set(values.filter((v): v is string => v !== undefined && v !== ""))]

const quoted = (values: ReadonlyArray<string>): string => values.map((v) => `'${v}'`).join(", ")

/** What the run asks of each setting: the node pools, identities or cluster it names (none when it names none). */
const valuesOf = (plan: Plan.Plan, run: Plan.Run): { readonly [S in Setting]: ReadonlyArray<string> } => {
  const codespecs = Plan.codespecById(plan)
  const targets = [run.job.codespec, ...(run.worker === undefined ? [] : [run.worker.codespec])]
  return {
    NodePools: distinct([run.job.nodePool, run.worker?.nodePool]),
    Identities: distinct(targets.map((id) => codespecs.get(id)?.spec.identity)),
    Cluster: distinct([run.cluster])
  }
}

const WHAT: { readonly [S in Setting]: { readonly plural: string; readonly field: string } } = {
  NodePools: { plural: "Node pools", field: "nodePool" },
  Identities: { plural: "Workload identities", field: "codespec identity" },
  Cluster: { plural: "Clusters", field: "cluster" }
}

/**
 * One warning per ignored setting the run uses, in Tyger's words for fields (`nodePool`, `identity`, `cluster`):
 * `Node pools are ignored by the docker provider: nodePool 'cpunp' has no effect`.
 */
export const warnings = (
  plan: Plan.Plan,
  run: Plan.Run,
  ignored: ReadonlySet<Setting> | undefined,
  provider: string
): ReadonlyArray<string> => {
  if (ignored === undefined || ignored.size === 0) return []
  const values = valuesOf(plan, run)
  return (["NodePools", "Identities", "Cluster"] as const)
    .filter((setting) => ignored.has(setting) && values[setting].length > 0)
    .map((setting) => {
      const { field, plural } = WHAT[setting]
      const asked = values[setting]
      return `${plural} are ignored by the ${provider} provider: ${field} ${quoted(asked)} ${asked.length === 1 ? "has" : "have"} no effect`
    })
}

/** The run as a provider ignoring the cluster records it: Tyger's Docker mode stores the run with `cluster: null`. */
export const recorded = (run: Plan.Run, ignored: ReadonlySet<Setting> | undefined): Plan.Run => {
  if (ignored?.has("Cluster") !== true || run.cluster === undefined) return run
  const { cluster: _, ...rest } = run
  return rest
}
