// Regenerates test/providers/kubernetes/golden/<module>.k8s.yaml from the library modules:
//
//   node_modules/.bin/node test/providers/kubernetes/update-golden.ts            all modules
//   node_modules/.bin/node test/providers/kubernetes/update-golden.ts daphne     only these
//
// Review the diff before committing: a changed golden file is a change to what every user applies to a cluster.
import { update } from "../../support/Golden.ts"
import { goldenDir, goldenPath, K8S_GOLDEN_MODULES, renderGolden } from "./GoldenManifests.ts"

await update({ known: K8S_GOLDEN_MODULES, dir: goldenDir, pathOf: goldenPath, render: renderGolden })
