// The library modules whose Kubernetes manifests are kept as golden files in ./golden/<module>.k8s.yaml. Shared by
// golden.test.ts (byte-for-byte comparison) and update-golden.ts (which rewrites them).
import { Effect } from "effect"
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import * as Workflow from "../../../dsl/Workflow.ts"
import * as Compile from "../../../engine/plan/Compile.ts"
import type * as Plan from "../../../engine/plan/Plan.ts"
import { CAPABILITIES } from "../../../providers/kubernetes/Capabilities.ts"
import { manifests } from "../../../providers/kubernetes/Manifests.ts"
import type * as Objects from "../../../providers/kubernetes/Objects.ts"
import type { Options } from "../../../providers/kubernetes/Options.ts"
import * as Yaml from "../../../providers/kubernetes/Yaml.ts"
import { GOLDEN_MODULES, type GoldenModule } from "../../engine/plan/GoldenPlans.ts"

export const K8S_GOLDEN_MODULES = ["hello", "ffmpeg", "gadgetron", "daphne", "nightly"] as const satisfies ReadonlyArray<GoldenModule>
export type K8sGoldenModule = (typeof K8S_GOLDEN_MODULES)[number]

/** Fixed options, so a version bump of the package never changes the golden files. */
export const GOLDEN_OPTIONS: Options = { namespace: "tyger", image: "tyger-ts:golden" }

/**
 * Each module's options: hello and ffmpeg without storage (placeholders); gadgetron (a run output across runs) and
 * nightly (per-execution buffers) with an Azure account and its key's Secret; daphne with Azurite's endpoint.
 */
export const goldenOptions = (name: K8sGoldenModule): Options => {
  switch (name) {
    case "gadgetron":
    case "nightly":
      return { ...GOLDEN_OPTIONS, storageAccount: "tygerdata", storageKeySecret: "tyger-storage" }
    case "daphne":
      return { ...GOLDEN_OPTIONS, storageAccount: "devstoreaccount1", blobEndpoint: "http://azurite.tyger.svc.cluster.local:10000/devstoreaccount1" }
    default:
      return GOLDEN_OPTIONS
  }
}

/** The `tyger plan` flags that give {@link goldenOptions}. */
export const goldenFlags = (name: K8sGoldenModule): ReadonlyArray<string> => {
  const options = goldenOptions(name)
  return [
    "--namespace", options.namespace,
    "--image", options.image,
    ...(options.storageAccount === undefined ? [] : ["--storage-account", options.storageAccount]),
    ...(options.blobEndpoint === undefined ? [] : ["--blob-endpoint", options.blobEndpoint]),
    ...(options.storageKeySecret === undefined ? [] : ["--storage-key-secret", options.storageKeySecret])
  ]
}

const here = (import.meta as { readonly url: string }).url

export const goldenDir = fileURLToPath(new URL("./golden/", here))
export const goldenPath = (name: K8sGoldenModule): string => fileURLToPath(new URL(`./golden/${name}.k8s.yaml`, here))
export const modulePath = (name: K8sGoldenModule): string => fileURLToPath(new URL(`../../../dsl/library/${name}.ts`, here))

/** The module compiled as `tyger plan --provider kubernetes` compiles it. */
export const planOf = (name: K8sGoldenModule): Promise<Plan.Plan> =>
  Effect.runPromise(Compile.compile(Workflow.fromModule(GOLDEN_MODULES[name]), { capabilities: CAPABILITIES, provider: "kubernetes" }))

export const objectsOf = async (name: K8sGoldenModule): Promise<ReadonlyArray<Objects.KubernetesObject>> =>
  manifests(await planOf(name), goldenOptions(name))

export const renderGolden = async (name: K8sGoldenModule): Promise<string> => Yaml.toYaml(await objectsOf(name))

export const readGolden = (name: K8sGoldenModule): string => fs.readFileSync(goldenPath(name), "utf8")
