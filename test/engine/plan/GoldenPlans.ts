// The library modules whose compiled plans are kept as golden files in test/engine/golden/<module>.plan.json.
// Shared by test/engine/plan/Compile.test.ts (which compares byte for byte) and scripts/update-golden.ts (which rewrites).
import { Effect } from "effect"
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import * as Library from "../../../dsl/library/index.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import * as Compile from "../../../engine/plan/Compile.ts"
import * as Plan from "../../../engine/plan/Plan.ts"

export const GOLDEN_MODULES = {
  hello: Library.Hello,
  ffmpeg: Library.Ffmpeg,
  gadgetron: Library.Gadgetron,
  daphne: Library.Daphne,
  nightly: Library.Nightly
} as const

export type GoldenModule = keyof typeof GOLDEN_MODULES

export const goldenNames = Object.keys(GOLDEN_MODULES) as ReadonlyArray<GoldenModule>

// Deno's checker, driven by this tsconfig, does not see @types/node's ImportMeta; every runtime sets `url`.
const here = (import.meta as { readonly url: string }).url

export const goldenDir = fileURLToPath(new URL("./golden/", here))

export const goldenPath = (name: GoldenModule): string => fileURLToPath(new URL(`./golden/${name}.plan.json`, here))

/** The plan of a library module as `Plan.toJsonString` prints it (no capabilities, no catalog). */
export const compileGolden = (name: GoldenModule): Promise<string> =>
  Effect.runPromise(Compile.compile(Workflow.fromModule(GOLDEN_MODULES[name]))).then(Plan.toJsonString)

export const readGolden = (name: GoldenModule): string => fs.readFileSync(goldenPath(name), "utf8")
