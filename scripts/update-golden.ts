// Regenerates test/engine/plan/golden/<module>.plan.json from the library modules:
//
//   node_modules/.bin/node scripts/update-golden.ts            all modules
//   node_modules/.bin/node scripts/update-golden.ts gadgetron  only these
//
// Review the diff before committing: a changed golden file is a changed plan for every user of that module.
import { compileGolden, goldenDir, goldenNames, goldenPath } from "../test/engine/plan/GoldenPlans.ts"
import { update } from "../test/support/Golden.ts"

await update({ known: goldenNames, dir: goldenDir, pathOf: goldenPath, render: compileGolden })
