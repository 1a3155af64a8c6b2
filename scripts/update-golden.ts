// Regenerates test/engine/golden/<module>.plan.json from the library modules:
//
//   node_modules/.bin/node scripts/update-golden.ts            all modules
//   node_modules/.bin/node scripts/update-golden.ts gadgetron  only these
//
// Review the diff before committing: a changed golden file is a changed plan for every user of that module.
import * as fs from "node:fs"
import process from "node:process"
import { compileGolden, goldenDir, goldenNames, goldenPath, type GoldenModule } from "../test/engine/plan/GoldenPlans.ts"

const requested = process.argv.slice(2)
const unknown = requested.filter((name) => !(goldenNames as ReadonlyArray<string>).includes(name))
if (unknown.length > 0) {
  console.error(`update-golden: unknown module(s) ${unknown.join(", ")}; known: ${goldenNames.join(", ")}`)
  process.exit(2)
}
const names = requested.length === 0 ? goldenNames : (requested as ReadonlyArray<GoldenModule>)

fs.mkdirSync(goldenDir, { recursive: true })
for (const name of names) {
  const file = goldenPath(name)
  const next = await compileGolden(name)
  const previous = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined
  if (previous === next) {
    console.log(`unchanged ${file}`)
  } else {
    fs.writeFileSync(file, next)
    console.log(`${previous === undefined ? "created" : "updated"} ${file}`)
  }
}
