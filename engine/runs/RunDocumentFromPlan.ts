import * as CodespecDocument from "../../model/CodespecDocument.ts"
import type * as Plan from "../plan/Plan.ts"

/** Where a plan's codespec came from in the store, so `run show` can name its version as Tyger does. */
export interface CodespecOrigin {
  readonly name: string
  readonly version: number
  readonly createdAt: string
}

const inlineCodespec = (codespec: Plan.Codespec, origin: CodespecOrigin | undefined): Record<string, unknown> =>
  CodespecDocument.toJson({
    ...codespec.spec,
    kind: codespec.kind,
    ...(origin === undefined ? {} : { name: origin.name, version: origin.version, createdAt: origin.createdAt })
  })

/**
 * The run as Tyger stores and shows it: codespecs resolved inline, every buffer parameter bound to a buffer id,
 * defaults filled in. Field order follows Tyger's output model; absent fields are omitted as Go's omitempty does.
 */
export const make = (
  plan: Plan.Plan,
  run: Plan.Run,
  buffers: { readonly [parameter: string]: string },
  origins: ReadonlyMap<string, CodespecOrigin>
): Record<string, unknown> => {
  const codespecs = new Map(plan.codespecs.map((c) => [c.id, c]))
  const job = codespecs.get(run.job.codespec)!
  const document: Record<string, unknown> = {
    job: {
      codespec: inlineCodespec(job, origins.get(job.id)),
      buffers: { ...buffers },
      ...(Object.keys(run.job.bufferTags).length > 0 ? { tags: run.job.bufferTags } : {}),
      ...(run.job.bufferTtl === undefined ? {} : { bufferTtl: run.job.bufferTtl }),
      ...(run.job.nodePool === undefined ? {} : { nodePool: run.job.nodePool }),
      replicas: run.job.replicas
    }
  }
  if (run.worker !== undefined) {
    const worker = codespecs.get(run.worker.codespec)!
    document["worker"] = {
      codespec: inlineCodespec(worker, origins.get(worker.id)),
      ...(run.worker.nodePool === undefined ? {} : { nodePool: run.worker.nodePool }),
      replicas: run.worker.replicas
    }
  }
  if (run.cluster !== undefined) document["cluster"] = run.cluster
  document["timeoutSeconds"] = run.timeoutSeconds
  document["bufferAccessTtl"] = run.bufferAccessTtl
  return document
}

/** The parameters of the run's job codespec, inputs first, with their direction. */
export const parameters = (plan: Plan.Plan, run: Plan.Run): ReadonlyArray<{ readonly name: string; readonly direction: "input" | "output" }> => {
  const job = plan.codespecs.find((c) => c.id === run.job.codespec)!
  return [
    ...CodespecDocument.inputsOf(job.spec).map((name) => ({ name, direction: "input" as const })),
    ...CodespecDocument.outputsOf(job.spec).map((name) => ({ name, direction: "output" as const }))
  ]
}
