import * as YamlFiles from "../../engine/files/YamlFiles.ts"
import type * as Objects from "./Objects.ts"

/**
 * The objects as one multi-document YAML stream (`---` between documents), ready for `kubectl apply -f -`. Each
 * object goes through JSON first: a subtree shared between objects (one labels map used twice) would otherwise
 * print as a YAML anchor and alias, which is valid but not what anyone expects to read.
 */
export const toYaml = (objects: ReadonlyArray<Objects.KubernetesObject>): string =>
  objects.map((o) => YamlFiles.stringify(JSON.parse(JSON.stringify(o)))).join("---\n")
