/**
 * Compiles a generated workflow of RUNS runs over CODESPECS codespecs (job codespecs with buffers, env, resources;
 * every tenth run distributed over a worker codespec with a derived env value) and reports wall time and peak RSS.
 * Usage: node bench/compile.ts [runs=10000] [codespecs=1000] [repeats=5]
 */
import { Effect } from "effect"
import * as Codespec from "../dsl/Codespec.ts"
import * as Derived from "../dsl/Derived.ts"
import * as Run from "../dsl/Run.ts"
import * as Workflow from "../dsl/Workflow.ts"
import * as Compile from "../engine/plan/Compile.ts"
import * as Plan from "../engine/plan/Plan.ts"

const [runCount = 10_000, codespecCount = 1_000, repeats = 5] = process.argv.slice(2).map(Number)

const generate = () => {
  const jobs = Array.from({ length: codespecCount }, (_, i) =>
    Codespec.job({
      name: `codespec-${i}`,
      image: `registry.example/app-${i % 17}:1.${i}`,
      buffers: { inputs: ["input", "config"], outputs: ["output"] },
      command: ["sh", "-c", `process --id ${i} < "$INPUT_PIPE" > "$OUTPUT_PIPE"`],
      env: { INDEX: String(i), MODE: i % 2 === 0 ? "fast" : "exact", CONFIG: "$(CONFIG_PIPE)" },
      resources: { requests: { cpu: `${((i % 4) + 1) * 100}m`, memory: `${(i % 8) + 1}Gi` }, limits: { memory: "16Gi" } }
    }))
  const workers = Array.from({ length: 10 }, (_, i) =>
    Codespec.worker({ name: `worker-${i}`, image: "registry.example/worker:1", endpoints: { grpc: 50000 + i } }))
  const runs: Record<string, Run.Any> = {}
  for (let i = 0; i < runCount; i++) {
    const codespec = jobs[i % codespecCount]!
    const name = `run-${i}`
    if (i % 10 === 0) {
      const worker = workers[(i / 10) % workers.length]!
      runs[name] = Run.distributed({
        name,
        job: { codespec, buffers: { config: "configbuffer00000000000000" } },
        worker,
        replicas: 4,
        env: { PEERS: Derived.addresses(worker.endpoints.grpc, { separator: "," }) },
        tags: { batch: String(i % 100) }
      })
    } else {
      runs[name] = Run.job(codespec, { name, buffers: { config: "configbuffer00000000000000" }, tags: { batch: String(i % 100) } })
    }
  }
  return Workflow.make({ runs })
}

const workflow = generate()
const timings: Array<number> = []
let plan: Plan.Plan | undefined
for (let i = 0; i < repeats; i++) {
  const start = performance.now()
  plan = Effect.runSync(Compile.compile(workflow))
  timings.push(performance.now() - start)
}
const encodeStart = performance.now()
const json = Plan.toJsonString(plan!)
const encodeMs = performance.now() - encodeStart
timings.sort((a, b) => a - b)
const median = timings[Math.floor(timings.length / 2)]!
const rss = process.resourceUsage().maxRSS / 1024
console.log(JSON.stringify({
  runs: plan!.runs.length,
  codespecs: plan!.codespecs.length,
  compileMs: { min: Math.round(timings[0]!), median: Math.round(median), max: Math.round(timings[timings.length - 1]!) },
  encodeMs: Math.round(encodeMs),
  planBytes: json.length,
  peakRssMB: Math.round(rss),
  targets: { compileMs: 1000, peakRssMB: 300 },
  ratios: { compileMedianToTarget: +(median / 1000).toFixed(3), peakRssToTarget: +(rss / 300).toFixed(3) }
}, null, 2))
