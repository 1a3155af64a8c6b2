import * as CodespecDocument from "../../model/CodespecDocument.ts"
import * as Plan from "../../engine/plan/Plan.ts"
import * as BufferIds from "./BufferIds.ts"

/**
 * Which buffer each job parameter of a plan uses on Kubernetes, when it is known before any pod runs: a `buffer`
 * binding's id; a one-off run's `create` binding, created by its pod under `BufferIds.runBufferId`; a `runOutput`
 * binding, the producer's buffer. Left out: ephemeral bindings (refused on Kubernetes) and a scheduled run's
 * `create` bindings, which are fresh for each execution (`BufferIds.executionBufferId`).
 */
export type Where =
  | { readonly kind: "known"; readonly id: string }
  | { readonly kind: "created"; readonly id: string }
  | { readonly kind: "perExecution" }
  | { readonly kind: "none" }

export const bufferOf = (
  run: Plan.Run,
  parameter: string,
  namespace: string,
  lookup: (name: string) => Plan.Run | undefined,
  seen: ReadonlySet<string> = new Set()
): Where => {
  const binding = run.job.buffers[parameter] ?? { kind: "create" as const }
  switch (binding.kind) {
    case "buffer":
      return { kind: "known", id: binding.id }
    case "create":
      return run.schedule === undefined
        ? { kind: "created", id: BufferIds.runBufferId(namespace, run.name, parameter) }
        : { kind: "perExecution" }
    case "ephemeral":
      return { kind: "none" }
    case "runOutput": {
      const producer = lookup(binding.run)
      const key = `${binding.run}\0${binding.parameter}`
      // A compiled plan has no cycles; the guard keeps a hand-made one from recursing forever.
      if (producer === undefined || seen.has(key)) return { kind: "none" }
      const shared = bufferOf(producer, binding.parameter, namespace, lookup, new Set([...seen, key]))
      // The producer's buffer is read here, not created: this run only needs its id.
      return shared.kind === "created" ? { kind: "known", id: shared.id } : shared
    }
  }
}

/** Every run's buffer ids known before the pods run, by run and parameter (what a stack outputs). */
export const bufferIds = (plan: Plan.Plan, namespace: string): { readonly [run: string]: { readonly [parameter: string]: string } } => {
  const codespecs = Plan.codespecById(plan)
  const runs = new Map(plan.runs.map((r) => [r.name, r]))
  const out: Record<string, Record<string, string>> = {}
  for (const run of plan.runs) {
    const spec = codespecs.get(run.job.codespec)?.spec
    if (spec === undefined) continue
    const ids: Record<string, string> = {}
    for (const parameter of [...CodespecDocument.parametersOf(spec)].sort()) {
      const where = bufferOf(run, parameter, namespace, (name) => runs.get(name))
      if (where.kind === "known" || where.kind === "created") ids[parameter] = where.id
    }
    if (Object.keys(ids).length > 0) out[run.name] = ids
  }
  return out
}
