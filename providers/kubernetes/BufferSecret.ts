import * as CodespecDocument from "../../model/CodespecDocument.ts"
import type * as Plan from "../../engine/plan/Plan.ts"
import { UNBOUND_PREFIX } from "./Contract.ts"
import * as Names from "./Names.ts"
import type * as Objects from "./Objects.ts"
import type { BufferUrls, Options } from "./Options.ts"

/**
 * The Secret `<run>-buffers`: one entry per buffer parameter of the job, holding that buffer's access URL, mounted
 * read-only into the sidecars at `/etc/buffer-sas-tokens/<parameter>`.
 *
 * Where a value comes from, first match wins:
 * 1. `options.bufferSecrets[run][parameter]`;
 * 2. for a `runOutput` binding, the producer's URL for that output (the same buffer: consumer and producer share
 *    it, and a reader waits for data the writer has not written yet, so the runs may overlap);
 * 3. for a buffer whose id is known (a `buffer` binding, or a producer's output bound to one) and a configured storage
 *    account, the buffer's blob container URL, accessed with the pod's identity;
 * 4. a placeholder `tyger-ts:unbound:<what>`: buffers created when the run is applied (`create`), or ids without a
 *    storage account. Whoever creates the buffers patches the Secret with their URLs; kubelet refreshes the mounted
 *    files and the sidecars, which wait while a file holds a placeholder, carry on.
 */
export const containerUrl = (storageAccount: string, bufferId: string): string =>
  `https://${storageAccount}.blob.core.windows.net/${bufferId}`

const unbound = (what: string): string => `${UNBOUND_PREFIX}${what}`

type Lookup = (run: string) => Plan.Run | undefined

const resolve = (
  run: Plan.Run,
  parameter: string,
  urls: BufferUrls,
  storageAccount: string | undefined,
  lookup: Lookup
): string => {
  const given = urls[run.name]?.[parameter]
  if (given !== undefined) return given
  const binding = run.job.buffers[parameter] ?? { kind: "create" }
  switch (binding.kind) {
    case "create":
      return unbound("create")
    case "ephemeral":
      // `compile` refuses ephemeral buffers for Kubernetes; a plan compiled without capabilities still renders.
      return unbound("ephemeral")
    case "buffer":
      return storageAccount === undefined ? unbound(`buffer/${binding.id}`) : containerUrl(storageAccount, binding.id)
    case "runOutput": {
      const producer = lookup(binding.run)
      const shared = urls[binding.run]?.[binding.parameter]
      if (shared !== undefined) return shared
      const producerBinding = producer?.job.buffers[binding.parameter]
      if (producerBinding?.kind === "buffer" && storageAccount !== undefined) {
        return containerUrl(storageAccount, producerBinding.id)
      }
      return unbound(`run-output/${binding.run}/${binding.parameter}`)
    }
  }
}

/** The Secret's entries, by parameter, in parameter-name order. */
export const secretData = (
  run: Plan.Run,
  spec: CodespecDocument.Spec,
  urls: BufferUrls,
  storageAccount: string | undefined,
  lookup: Lookup
): Objects.StringMap => {
  const out: Record<string, string> = {}
  for (const parameter of [...CodespecDocument.parametersOf(spec)].sort()) {
    out[parameter] = resolve(run, parameter, urls, storageAccount, lookup)
  }
  return out
}

export const secret = (
  run: Plan.Run,
  spec: CodespecDocument.Spec,
  options: Options,
  labels: Objects.StringMap,
  lookup: Lookup
): Objects.Secret => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: Names.bufferSecret(run.name), namespace: options.namespace, labels },
  type: "Opaque",
  stringData: secretData(run, spec, options.bufferSecrets ?? {}, options.storageAccount, lookup)
})

/** {@link secretData} of one run of a plan, by run name (for URLs that arrive later, e.g. as Pulumi secrets). */
export const planSecretData = (
  plan: Plan.Plan,
  runName: string,
  urls: BufferUrls,
  storageAccount: string | undefined
): Objects.StringMap => {
  const runs = new Map(plan.runs.map((r) => [r.name, r]))
  const run = runs.get(runName)
  const spec = plan.codespecs.find((c) => c.id === run?.job.codespec)?.spec
  return run === undefined || spec === undefined ? {} : secretData(run, spec, urls, storageAccount, (name) => runs.get(name))
}
