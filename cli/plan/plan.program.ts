import { Effect, Result } from "effect"
import * as Compile from "../../engine/plan/Compile.ts"
import * as Plan from "../../engine/plan/Plan.ts"
import * as YamlFiles from "../../engine/files/YamlFiles.ts"
import { manifests } from "../../providers/kubernetes/Manifests.ts"
import type { Options } from "../../providers/kubernetes/Options.ts"
import * as KubernetesYaml from "../../providers/kubernetes/Yaml.ts"
import type { Flags } from "../BaseCommand.ts"
import { invalidArguments } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import * as Pflag from "../Pflag.ts"
import { capabilitiesOf, ignoresOf, PROVIDERS } from "../ProviderCapabilities.ts"
import { VERSION } from "../Version.ts"
import type { PlanCommand } from "./plan.ts"
import * as WorkflowModule from "./WorkflowModule.ts"

/** The image the manifests' helper containers run when `--image` is not given; no image is published for it. */
export const DEFAULT_IMAGE = `tyger-ts:${VERSION}`

const FORMATS = ["json", "yaml"] as const
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
/** Azure's rule for storage account names. */
const STORAGE_ACCOUNT = /^[a-z0-9]{3,24}$/

/** The manifests' storage options, or the argument error of the first bad one. */
const storageOptions = (input: Flags<PlanCommand>): Result.Result<
  Pick<Options, "storageAccount" | "blobEndpoint" | "storageKeySecret">,
  string
> => {
  const { storageAccount, blobEndpoint, storageKeySecret } = input
  if (storageAccount !== undefined && !STORAGE_ACCOUNT.test(storageAccount)) {
    return Result.fail(Pflag.invalidArgument(storageAccount, Pflag.flagLabel("storage-account"),
      "must be 3 to 24 lower case letters and digits"))
  }
  if (blobEndpoint !== undefined && !/^https?:\/\/[^/]/.test(blobEndpoint)) {
    return Result.fail(Pflag.invalidArgument(blobEndpoint, Pflag.flagLabel("blob-endpoint"), "must be an http or https URL"))
  }
  // Both only qualify an account; alone they would silently change nothing.
  for (const [flag, value] of [["blob-endpoint", blobEndpoint], ["storage-key-secret", storageKeySecret]] as const) {
    if (value !== undefined && storageAccount === undefined) return Result.fail(`the option --${flag} requires --storage-account`)
  }
  return Result.succeed({
    ...(storageAccount === undefined ? {} : { storageAccount }),
    ...(blobEndpoint === undefined ? {} : { blobEndpoint }),
    ...(storageKeySecret === undefined ? {} : { storageKeySecret })
  })
}

/** `tyger plan FILE` (a tyger-ts extension): the provider-neutral plan a workflow compiles to. */
export const plan = Effect.fn("plan")(function*(input: Flags<PlanCommand>) {
  const format = Pflag.enumValue(Pflag.flagLabel("format"), input.format ?? "json", FORMATS)
  if (Result.isFailure(format)) return yield* invalidArguments(format.failure)
  const provider = input.provider === undefined
    ? undefined
    : Pflag.enumValue(Pflag.flagLabel("provider"), input.provider, PROVIDERS)
  if (provider !== undefined && Result.isFailure(provider)) return yield* invalidArguments(provider.failure)
  if (input.namespace !== undefined && !(NAMESPACE.test(input.namespace) && input.namespace.length <= 63)) {
    return yield* invalidArguments(Pflag.invalidArgument(input.namespace, Pflag.flagLabel("namespace"),
      "must be a DNS-1123 label (lower case alphanumeric characters or '-', at most 63)"))
  }
  const storage = storageOptions(input)
  if (Result.isFailure(storage)) return yield* invalidArguments(storage.failure)
  const [file, ...extra] = input.positionals
  if (file === undefined || extra.length > 0) {
    return yield* invalidArguments(`accepts 1 arg(s), received ${input.positionals.length}`)
  }
  const workflow = yield* WorkflowModule.fromFile(file)
  const compiled = yield* Compile.compile(
    workflow,
    provider === undefined
      ? {}
      : { capabilities: capabilitiesOf[provider.success], ignores: ignoresOf[provider.success], provider: provider.success }
  )
  const io = yield* CliIo
  if (format.success === "yaml" && provider?.success === "kubernetes") {
    // What `kubectl apply -f -` (or the Pulumi component) would apply; the plan itself stays reachable as JSON, or
    // as YAML without a provider.
    const objects = manifests(compiled, { namespace: input.namespace ?? "default", image: input.image ?? DEFAULT_IMAGE, ...storage.success })
    return yield* io.out(KubernetesYaml.toYaml(objects))
  }
  yield* io.out(format.success === "json" ? Plan.toJsonString(compiled) : YamlFiles.stringify(Plan.encode(compiled)))
})
