// Compiles workflow.ts through the installed packages and prints a one-line summary of the plan, then (second line)
// where each package resolved: both must be the same under `node check.ts`, `bun check.ts` and `deno run -A check.ts`
// (the second up to the entry file each runtime picks).
import { Effect } from "effect"
import { Codespec, Workflow } from "tyger-ts"
import { Hello } from "tyger-ts/library"
import { denoise } from "@example/imaging-codespecs"
import { compile, Plan } from "tyger-ts/engine"
import * as workflow from "./workflow.ts"

const plan: Plan.Plan = await Effect.runPromise(compile(Workflow.fromModule(workflow)))
const codespecName = new Map(plan.codespecs.map((c) => [c.id, c.name ?? c.id]))

console.log(JSON.stringify({
  apiVersion: plan.apiVersion,
  runs: plan.runs.map((run) => ({
    name: run.name,
    codespec: codespecName.get(run.job.codespec),
    dependsOn: run.dependsOn
  })),
  codespecs: [...codespecName.values()].sort(),
  typed: [Codespec.isCodespec(denoise), Codespec.isCodespec(Hello.hello)]
}))
console.log(JSON.stringify({
  resolved: Object.fromEntries(
    ["tyger-ts", "tyger-ts/library", "tyger-ts/engine", "effect", "@example/imaging-codespecs"]
      .map((specifier) => [specifier, import.meta.resolve(specifier)])
  )
}))
