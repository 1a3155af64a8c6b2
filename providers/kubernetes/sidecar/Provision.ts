import { Effect, Schema } from "effect"
import * as FsP from "node:fs/promises"
import * as Path from "node:path"
import { errorFields } from "../../../model/ErrorFields.ts"
import { executionBufferId } from "../BufferIds.ts"
import * as AmbientCredential from "./AmbientCredential.ts"
import type { Env } from "./MainWatch.ts"
import { messageOf } from "./SidecarError.ts"

/**
 * `tyger buffer provision` (argv fixed by ../Contract.ts `provisionArgs`), the `create-buffers` init container: creates
 * the blob container of each buffer the pod's run creates, unless it exists (a restarted pod, a retried Job: running
 * twice is harmless), tagged with container metadata, and for a scheduled run's execution writes each buffer's URL
 * where the sidecar's `--url-file` reads it. Nothing stores the ids: they follow from the run (BufferIds.ts).
 *
 * Tags become container metadata, whose names Azure requires to be C# identifiers (and stores case-insensitively):
 * keys are therefore restricted to `[a-z_][a-z0-9_]*`, and values to printable ASCII (they travel as HTTP headers).
 * `parameter` (and `execution`) are set here and cannot be given as tags.
 *
 * Creating a container with metadata is the Azure SDK's call, which a provider does not load: the CLI gives it as a
 * {@link Connect}. Credentials come from the environment, as for a sidecar's URL without a SAS (AmbientCredential.ts).
 */

export class ProvisionError extends Schema.TaggedError<ProvisionError>()(
  "ProvisionError",
  errorFields(Schema.Literals(["InvalidArguments", "Credentials", "Storage", "Io"]))
) {}

const invalid = (message: string) => new ProvisionError({ reason: "InvalidArguments", message })

/** The flags as given (cobra's string flags: empty is absent), the environment and the working directory. */
export interface ProvisionArgs {
  readonly endpoint: string | undefined
  readonly tags: ReadonlyArray<string> | undefined
  readonly execution: string | undefined
  readonly namespace: string | undefined
  readonly urlDir: string | undefined
  readonly specs: ReadonlyArray<string>
  readonly env: Env
  readonly cwd: string
}

/** Creates container `id` with `metadata` unless it exists; succeeds with whether it created it. */
export type CreateContainer = (id: string, metadata: Readonly<Record<string, string>>) => Effect.Effect<boolean, ProvisionError>
/** The storage account behind `endpoint` (no trailing slash), reached with `credential`. */
export type Connect = (endpoint: string, credential: AmbientCredential.Ambient) => Effect.Effect<CreateContainer, ProvisionError>

export interface Provisioned {
  readonly parameter: string
  readonly id: string
  /** Execution buffers: where their URL was written. */
  readonly urlFile?: string
}

export const TAG_KEY = /^[a-z_][a-z0-9_]*$/
const RESERVED_TAGS = ["parameter", "execution"]
const PRINTABLE = /^[\x20-\x7e]*$/
// A buffer parameter's name is a DNS label (model/CodespecValidation.ts), so it is also a safe file name in --url-dir.
const PARAMETER = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
// Azure's container-name rule, as engine/buffers/AzureBlobStore.ts checks it; Tyger's ids are 26 base32 characters.
const CONTAINER_ID = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/

const given = (value: string | undefined) => (value === undefined || value === "" ? undefined : value)

const parseEndpoint = (text: string | undefined) => {
  if (given(text) === undefined) return Effect.fail(invalid(`required flag(s) "endpoint" not set`))
  let url: URL
  try {
    url = new URL(text!)
  } catch {
    return Effect.fail(invalid(`invalid --endpoint '${text}': not a URL`))
  }
  if (!/^https?:$/.test(url.protocol) || url.search !== "" || url.hash !== "") {
    return Effect.fail(invalid(`invalid --endpoint '${text}': expected a blob endpoint (http(s)://, no query)`))
  }
  return Effect.succeed(url.href.replace(/\/+$/, ""))
}

const parseTags = (occurrences: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const tags: Record<string, string> = {}
    for (const text of occurrences) {
      const equals = text.indexOf("=")
      if (equals < 0) return yield* invalid(`invalid --tag '${text}': expected KEY=VALUE`)
      const [key, value] = [text.slice(0, equals), text.slice(equals + 1)]
      if (!TAG_KEY.test(key)) {
        return yield* invalid(
          `invalid --tag '${text}': a tag key becomes container metadata, whose names must match [a-z_][a-z0-9_]* ` +
            `(lower case letters, digits and underscores, not starting with a digit)`
        )
      }
      if (RESERVED_TAGS.includes(key)) return yield* invalid(`invalid --tag '${text}': '${key}' is set by provision itself`)
      if (!PRINTABLE.test(value)) return yield* invalid(`invalid --tag '${text}': a tag value must be printable ASCII`)
      tags[key] = value
    }
    return tags
  })

interface Spec {
  readonly parameter: string
  readonly id: string
  readonly execution: boolean
}

const parseSpecs = (texts: ReadonlyArray<string>, execution: { readonly job: string; readonly namespace: string } | undefined) =>
  Effect.gen(function*() {
    if (texts.length === 0) return yield* invalid("requires at least 1 arg(s), only received 0")
    const specs: Array<Spec> = []
    for (const text of texts) {
      const equals = text.indexOf("=")
      const parameter = equals < 0 ? text : text.slice(0, equals)
      if (!PARAMETER.test(parameter) || parameter.length > 63) {
        return yield* invalid(`invalid buffer '${text}': '${parameter}' is not a buffer parameter name`)
      }
      if (specs.some((spec) => spec.parameter === parameter)) return yield* invalid(`buffer parameter '${parameter}' is given twice`)
      if (equals >= 0) {
        const id = text.slice(equals + 1)
        if (!CONTAINER_ID.test(id)) return yield* invalid(`invalid buffer '${text}': '${id}' is not a valid buffer id`)
        specs.push({ parameter, id, execution: false })
      } else if (execution === undefined) {
        return yield* invalid(
          `buffer '${parameter}' has no id: an execution's buffer (PARAM without =ID) needs --execution, --namespace and --url-dir`
        )
      } else {
        specs.push({ parameter, id: executionBufferId(execution.namespace, execution.job, parameter), execution: true })
      }
    }
    return specs
  })

/** Replaces `file` in one step (temporary file, then rename): the sidecar never reads a half-written URL. */
const writeAtomically = (file: string, content: string) =>
  Effect.tryPromise({
    try: async () => {
      await FsP.mkdir(Path.dirname(file), { recursive: true })
      const temporary = Path.join(Path.dirname(file), `.${Path.basename(file)}.${process.pid}.tmp`)
      await FsP.writeFile(temporary, content)
      await FsP.rename(temporary, file)
    },
    catch: (cause) => new ProvisionError({ reason: "Io", message: `cannot write ${file}: ${messageOf(cause)}`, cause })
  })

/** Checks the arguments and credentials first, then creates each buffer (in order) and writes execution buffers' URLs. */
export const run = Effect.fn("Provision.run")(function*(args: ProvisionArgs, connect: Connect) {
  const endpoint = yield* parseEndpoint(args.endpoint)
  const tags = yield* parseTags(args.tags ?? [])
  const group = [["execution", given(args.execution)], ["namespace", given(args.namespace)], ["url-dir", given(args.urlDir)]] as const
  const unset = group.filter(([, value]) => value === undefined).map(([name]) => name)
  if (unset.length > 0 && unset.length < group.length) {
    return yield* invalid(
      `if any flags in the group [execution namespace url-dir] are set they must all be set; missing [${unset.join(" ")}]`
    )
  }
  const execution = unset.length === 0 ? { job: args.execution!, namespace: args.namespace! } : undefined
  if (execution !== undefined && !PRINTABLE.test(execution.job)) return yield* invalid(`invalid --execution '${execution.job}'`)
  const specs = yield* parseSpecs(args.specs, execution)
  const found = AmbientCredential.fromEnv(args.env, new URL(endpoint))
  if ("problem" in found) return yield* new ProvisionError({ reason: "Credentials", message: found.problem })
  const create = yield* connect(endpoint, found.ambient)
  const urlDir = execution === undefined ? undefined : Path.resolve(args.cwd, args.urlDir!)
  const provisioned: Array<Provisioned> = []
  for (const spec of specs) {
    const metadata = { ...tags, parameter: spec.parameter, ...(spec.execution ? { execution: execution!.job } : {}) }
    const created = yield* create(spec.id, metadata)
    yield* Effect.logInfo(`${created ? "Created" : "Found"} buffer ${spec.id} for parameter ${spec.parameter}`)
    if (!spec.execution) {
      provisioned.push({ parameter: spec.parameter, id: spec.id })
      continue
    }
    const urlFile = Path.join(urlDir!, spec.parameter)
    yield* writeAtomically(urlFile, `${endpoint}/${spec.id}\n`)
    provisioned.push({ parameter: spec.parameter, id: spec.id, urlFile })
  }
  return provisioned
})
