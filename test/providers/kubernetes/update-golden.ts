// Regenerates test/providers/kubernetes/golden/<module>.k8s.yaml from the library modules:
//
//   node_modules/.bin/node test/providers/kubernetes/update-golden.ts            all modules
//   node_modules/.bin/node test/providers/kubernetes/update-golden.ts daphne     only these
//
// Review the diff before committing: a changed golden file is a change to what every user applies to a cluster.
import * as fs from "node:fs"
import process from "node:process"
import { goldenDir, goldenPath, K8S_GOLDEN_MODULES, type K8sGoldenModule, renderGolden } from "./GoldenManifests.ts"

const requested = process.argv.slice(2)
const unknown = requested.filter((name) => !(K8S_GOLDEN_MODULES as ReadonlyArray<string>).includes(name))
if (unknown.length > 0) {
  console.error(`update-golden: unknown module(s) ${unknown.join(", ")}; known: ${K8S_GOLDEN_MODULES.join(", ")}`)
  process.exit(2)
}
const names = requested.length === 0 ? K8S_GOLDEN_MODULES : (requested as ReadonlyArray<K8sGoldenModule>)

fs.mkdirSync(goldenDir, { recursive: true })
for (const name of names) {
  const file = goldenPath(name)
  const next = await renderGolden(name)
  const previous = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined
  if (previous === next) console.log(`unchanged ${file}`)
  else {
    fs.writeFileSync(file, next)
    console.log(`${previous === undefined ? "created" : "updated"} ${file}`)
  }
}
