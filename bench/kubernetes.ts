/**
 * Kubernetes manifests and the Pulumi component for a generated plan of RUNS runs (job runs with buffers and env;
 * every tenth distributed over 4 workers with a derived env value; every twentieth scheduled), in one process:
 * the pure translation (median of REPEATS), its YAML, and one mock Pulumi program creating every resource. Both with
 * a storage account (container URLs, `create-buffers`); the component also keeps the account key in a Secret.
 * Usage: node bench/kubernetes.ts [runs=1000] [repeats=5]
 */
import * as pulumi from "@pulumi/pulumi"
import { Effect } from "effect"
import * as Codespec from "../dsl/Codespec.ts"
import * as Derived from "../dsl/Derived.ts"
import * as Run from "../dsl/Run.ts"
import * as Workflow from "../dsl/Workflow.ts"
import * as Compile from "../engine/plan/Compile.ts"
import { CAPABILITIES } from "../providers/kubernetes/Capabilities.ts"
import { manifests } from "../providers/kubernetes/Manifests.ts"
import { toYaml } from "../providers/kubernetes/Yaml.ts"
import { WorkflowComponent } from "../providers/kubernetes/WorkflowComponent.ts"

const [runCount = 1_000, repeats = 5] = process.argv.slice(2).map(Number)
const TARGET_MANIFESTS_MS = 1_000
const TARGET_PULUMI_MS = 30_000

const generate = () => {
  const jobs = Array.from({ length: 100 }, (_, i) =>
    Codespec.job({
      name: `codespec-${i}`,
      image: `registry.example/app-${i % 17}:1.${i}`,
      buffers: { inputs: ["input", "config"], outputs: ["output"] },
      command: ["sh", "-c", `process --id ${i} < "$INPUT_PIPE" > "$OUTPUT_PIPE"`],
      env: { INDEX: String(i), CONFIG: "$(CONFIG_PIPE)" },
      resources: { requests: { cpu: `${((i % 4) + 1) * 100}m`, memory: `${(i % 8) + 1}Gi` }, limits: { memory: "16Gi" } }
    }))
  const workers = Array.from({ length: 10 }, (_, i) =>
    Codespec.worker({ name: `worker-${i}`, image: "registry.example/worker:1", endpoints: { grpc: 50000 + i } }))
  const runs: Record<string, Run.Any> = {}
  for (let i = 0; i < runCount; i++) {
    const codespec = jobs[i % jobs.length]!
    const name = `run-${i}`
    const common = { name, buffers: { config: "configbuffer00000000000000" }, tags: { batch: String(i % 100) } }
    if (i % 10 === 0) {
      const worker = workers[(i / 10) % workers.length]!
      runs[name] = Run.distributed({
        name,
        tags: common.tags,
        job: { codespec, buffers: common.buffers },
        worker,
        replicas: 4,
        env: { PEERS: Derived.addresses(worker.endpoints.grpc, { separator: "," }) }
      })
    } else if (i % 20 === 5) {
      runs[name] = Run.job(codespec, { ...common, schedule: { cron: `${i % 60} 3 * * *`, timeZone: "UTC" } })
    } else {
      runs[name] = Run.job(codespec, common)
    }
  }
  return Workflow.make({ runs })
}

const median = (values: ReadonlyArray<number>): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const plan = Effect.runSync(Compile.compile(generate(), { capabilities: CAPABILITIES, provider: "kubernetes" }))
const options = { namespace: "bench", image: "tyger-ts:bench", storageAccount: "benchdata" }

const timings: Array<number> = []
let objects = manifests(plan, options)
for (let i = 0; i < repeats; i++) {
  const start = performance.now()
  objects = manifests(plan, options)
  timings.push(performance.now() - start)
}
const yamlStart = performance.now()
const yaml = toYaml(objects)
const yamlMs = performance.now() - yamlStart

let registered = 0
await pulumi.runtime.setMocks({
  newResource: (args) => {
    registered++
    // As the API server would, give each object a uid (the workers' ownerReferences read their Job's).
    const metadata = args.inputs["metadata"]
    const state = typeof metadata === "object" && metadata !== null ? { ...args.inputs, metadata: { ...metadata, uid: `${args.name}-uid` } } : args.inputs
    return { id: `${args.name}-id`, state }
  },
  call: (args) => args.inputs
}, "tyger-ts", "bench", false)
const pulumiStart = performance.now()
const component = new WorkflowComponent("bench", { plan, ...options, storageAccountKey: pulumi.secret("YmVuY2g=") })
for (const resource of component.resources.values()) await new Promise((resolve) => resource.urn.apply(resolve))
const pulumiMs = performance.now() - pulumiStart

const manifestsMs = median(timings)
console.log(JSON.stringify({
  runs: plan.runs.length,
  objects: objects.length,
  manifestsMs: { min: Math.round(Math.min(...timings)), median: Math.round(manifestsMs), max: Math.round(Math.max(...timings)) },
  yamlMs: Math.round(yamlMs),
  yamlBytes: yaml.length,
  pulumiMockMs: Math.round(pulumiMs),
  pulumiResourcesRegistered: registered,
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  targets: { manifestsMs: TARGET_MANIFESTS_MS, pulumiMockMs: TARGET_PULUMI_MS },
  ratios: {
    manifestsMedianToTarget: +(manifestsMs / TARGET_MANIFESTS_MS).toFixed(3),
    pulumiMockToTarget: +(pulumiMs / TARGET_PULUMI_MS).toFixed(3)
  }
}, null, 2))
