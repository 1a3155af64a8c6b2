import * as CodespecDocument from "../../model/CodespecDocument.ts"
import type * as Plan from "../../engine/plan/Plan.ts"
import * as BufferPlan from "./BufferPlan.ts"
import * as Contract from "./Contract.ts"
import * as Names from "./Names.ts"
import type * as Objects from "./Objects.ts"
import { blobEndpointOf, type BufferUrls, type Options } from "./Options.ts"

/**
 * Where each buffer sidecar of a run finds its buffer's access URL, and the Secret `<run>-buffers` holding those
 * that are known when the manifests are made (mounted read-only at `/etc/buffer-sas-tokens/<parameter>`).
 *
 * A parameter's URL, first match wins:
 * 1. `options.bufferSecrets[run][parameter]`;
 * 2. for a `runOutput` binding, the producer's given URL for that output (the same buffer: consumer and producer
 *    share it, and a reader waits for data the writer has not written yet, so the runs may overlap);
 * 3. with a storage account (`Options.blobEndpointOf`), the blob container URL `<endpoint>/<id>` of every buffer whose
 *    id is known before any pod runs (`BufferPlan.bufferOf`): a `buffer` binding's id, a one-off run's `create`
 *    buffer (created by the pod's `create-buffers` init container under `BufferIds.runBufferId`), a producer's
 *    output. No SAS: the sidecars sign with the account key or the pod's workload identity (`Contract.ts`). A
 *    scheduled run's `create` buffers are fresh for each execution, so they have no entry: `create-buffers` writes
 *    their URLs into the pod's own emptyDir (`Contract.executionUrlPath`), where their sidecars read them;
 * 4. a placeholder `tyger-ts:unbound:<what>` (no storage account): whoever creates the buffers patches the Secret with
 *    their URLs; kubelet refreshes the mounted files and the sidecars, which wait while a file holds a placeholder,
 *    carry on.
 */
export const containerUrl = (endpoint: string, bufferId: string): string => `${endpoint}/${bufferId}`

const unbound = (what: string): string => `${Contract.UNBOUND_PREFIX}${what}`

type Lookup = (run: string) => Plan.Run | undefined

/** Where the deployment's buffers live: the blob endpoint, and the namespace their ids derive from. */
export interface Storage {
  readonly endpoint: string
  readonly namespace: string
}

const bindingOf = (run: Plan.Run, parameter: string): Plan.Binding => run.job.buffers[parameter] ?? { kind: "create" }

/** The URL a caller gave for the parameter, or for the producer's output it reads (rules 1 and 2). */
const givenUrl = (run: Plan.Run, parameter: string, urls: BufferUrls): string | undefined => {
  const binding = bindingOf(run, parameter)
  return urls[run.name]?.[parameter] ?? (binding.kind === "runOutput" ? urls[binding.run]?.[binding.parameter] : undefined)
}

/** A scheduled run's own `create` buffer with a storage account: made per execution, its URL is not the Secret's. */
const perExecution = (run: Plan.Run, parameter: string, urls: BufferUrls, storage: Storage | undefined): boolean =>
  storage !== undefined && run.schedule !== undefined && bindingOf(run, parameter).kind === "create" &&
  givenUrl(run, parameter, urls) === undefined

const resolve = (
  run: Plan.Run,
  parameter: string,
  urls: BufferUrls,
  storage: Storage | undefined,
  lookup: Lookup
): string | undefined => {
  const given = givenUrl(run, parameter, urls)
  if (given !== undefined) return given
  if (storage !== undefined) {
    const where = BufferPlan.bufferOf(run, parameter, storage.namespace, lookup)
    if (where.kind === "known" || where.kind === "created") return containerUrl(storage.endpoint, where.id)
    if (perExecution(run, parameter, urls, storage)) return undefined
  }
  const binding = bindingOf(run, parameter)
  switch (binding.kind) {
    case "create":
      return unbound("create")
    case "ephemeral":
      // `compile` refuses ephemeral buffers for Kubernetes; a plan compiled without capabilities still renders.
      return unbound("ephemeral")
    case "buffer":
      return unbound(`buffer/${binding.id}`)
    case "runOutput":
      return unbound(`run-output/${binding.run}/${binding.parameter}`)
  }
}

/** The Secret's entries, by parameter, in parameter-name order; none for a buffer made per execution. */
export const secretData = (
  run: Plan.Run,
  spec: CodespecDocument.Spec,
  urls: BufferUrls,
  storage: Storage | undefined,
  lookup: Lookup
): Objects.StringMap => {
  const out: Record<string, string> = {}
  for (const parameter of [...CodespecDocument.parametersOf(spec)].sort()) {
    const url = resolve(run, parameter, urls, storage, lookup)
    if (url !== undefined) out[parameter] = url
  }
  return out
}

/** The options' storage, when they name a storage account or an endpoint. */
export const storageOf = (options: Pick<Options, "namespace" | "storageAccount" | "blobEndpoint">): Storage | undefined => {
  const endpoint = blobEndpointOf(options)
  return endpoint === undefined ? undefined : { endpoint, namespace: options.namespace }
}

/** How the pod of one run reaches its buffers. */
export interface Layout {
  /** The Secret's entries; no Secret when empty. */
  readonly secret: Objects.StringMap
  /** The file each buffer sidecar reads its URL from, by parameter. */
  readonly urlFile: ReadonlyMap<string, string>
  /**
   * What `create-buffers` creates if absent (with a storage account): the run's own `create` buffers, and the
   * producer's buffer of each `runOutput` binding whose producer creates it, so that whichever pod starts first
   * creates it and a reader never meets a missing container.
   */
  readonly fixed: ReadonlyArray<readonly [parameter: string, id: string]>
  /** A scheduled run's `create` parameters, created by each execution (with a storage account). */
  readonly execution: ReadonlyArray<string>
  readonly storage: Storage | undefined
}

export const layout = (run: Plan.Run, spec: CodespecDocument.Spec, options: Options, lookup: Lookup): Layout => {
  const urls = options.bufferSecrets ?? {}
  const storage = storageOf(options)
  const parameters = CodespecDocument.parametersOf(spec)
  const execution = parameters.filter((p) => perExecution(run, p, urls, storage))
  const fixed: Array<readonly [string, string]> = []
  if (storage !== undefined) {
    for (const parameter of parameters) {
      if (givenUrl(run, parameter, urls) !== undefined) continue
      const binding = bindingOf(run, parameter)
      const producer = binding.kind === "runOutput" ? lookup(binding.run) : undefined
      const where = binding.kind === "runOutput"
        ? producer === undefined ? undefined : BufferPlan.bufferOf(producer, binding.parameter, storage.namespace, lookup)
        : BufferPlan.bufferOf(run, parameter, storage.namespace, lookup)
      if (where?.kind === "created") fixed.push([parameter, where.id])
    }
  }
  return {
    secret: secretData(run, spec, urls, storage, lookup),
    urlFile: new Map(parameters.map((p) => [p, execution.includes(p) ? Contract.executionUrlPath(p) : Contract.urlPath(p)])),
    fixed,
    execution,
    storage
  }
}

export const secret = (run: Plan.Run, data: Objects.StringMap, namespace: string, labels: Objects.StringMap): Objects.Secret => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: Names.bufferSecret(run.name), namespace, labels },
  type: "Opaque",
  stringData: data
})

/**
 * {@link secretData} of one run of a plan, by run name (for URLs that arrive later, e.g. as Pulumi secrets). Pass
 * `where` (the manifests' namespace and blob endpoint) to get the same container URLs as the manifests; without it,
 * only buffers with a known id get one, as the account alone cannot name the buffers the deployment creates.
 */
export const planSecretData = (
  plan: Plan.Plan,
  runName: string,
  urls: BufferUrls,
  storageAccount: string | undefined,
  where?: Pick<Options, "namespace" | "blobEndpoint">
): Objects.StringMap => {
  const runs = new Map(plan.runs.map((r) => [r.name, r]))
  const run = runs.get(runName)
  const spec = plan.codespecs.find((c) => c.id === run?.job.codespec)?.spec
  if (run === undefined || spec === undefined) return {}
  const lookup = (name: string) => runs.get(name)
  if (where !== undefined) {
    return secretData(run, spec, urls, storageOf({ ...where, ...(storageAccount === undefined ? {} : { storageAccount }) }), lookup)
  }
  return legacySecretData(run, spec, urls, storageAccount, lookup)
}

/** Without a namespace: container URLs for known ids only, placeholders for the buffers the deployment creates. */
const legacySecretData = (
  run: Plan.Run,
  spec: CodespecDocument.Spec,
  urls: BufferUrls,
  storageAccount: string | undefined,
  lookup: Lookup
): Objects.StringMap => {
  const endpoint = blobEndpointOf(storageAccount === undefined ? {} : { storageAccount })
  const withoutStorage = secretData(run, spec, urls, undefined, lookup)
  if (endpoint === undefined) return withoutStorage
  const out: Record<string, string> = {}
  for (const [parameter, url] of Object.entries(withoutStorage)) {
    // A placeholder naming a known id becomes that id's container URL.
    const known = url.startsWith(unbound("buffer/")) ? url.slice(unbound("buffer/").length) : undefined
    const produced = known === undefined ? producedId(run, parameter, lookup) : undefined
    const id = known ?? produced
    out[parameter] = id === undefined ? url : containerUrl(endpoint, id)
  }
  return out
}

const producedId = (run: Plan.Run, parameter: string, lookup: Lookup): string | undefined => {
  const binding = bindingOf(run, parameter)
  if (binding.kind !== "runOutput") return undefined
  const produced = lookup(binding.run)?.job.buffers[binding.parameter]
  return produced?.kind === "buffer" ? produced.id : undefined
}
