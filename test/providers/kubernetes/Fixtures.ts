// Workflows that exercise what the library does not: GPUs, shared memory, node pools, identities, replicas, sockets,
// workers without endpoints, many endpoints, long and digit-first run names, buffers with known ids.
import { Effect } from "effect"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Derived from "../../../dsl/Derived.ts"
import * as Run from "../../../dsl/Run.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import * as Compile from "../../../engine/plan/Compile.ts"
import type * as Plan from "../../../engine/plan/Plan.ts"
import { CAPABILITIES } from "../../../providers/kubernetes/Capabilities.ts"

export const compileForKubernetes = (workflow: Workflow.Workflow): Promise<Plan.Plan> =>
  Effect.runPromise(Compile.compile(workflow, { capabilities: CAPABILITIES, provider: "kubernetes" }))

export const trainer = Codespec.job({
  name: "trainer",
  image: "registry.example/trainer:1",
  // Inputs only: every replica reads them, and a buffer has one writer, so replicated jobs have no outputs.
  buffers: { inputs: ["data", "model"] },
  command: ["python", "train.py"],
  args: ["--data", "$(DATA_PIPE)", "--base", "$(MODEL_PIPE)", "--literal", "$$(NOT_EXPANDED)"],
  workingDir: "/work",
  env: { ZETA: "last-declared-first", ALPHA: "$(ZETA)-again" },
  identity: "trainer-identity",
  resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: 2, memory: "2Gi" }, gpu: 2, shm: "1Gi" }
})

export const peers = Codespec.worker({
  name: "peers",
  image: "registry.example/peer:1",
  endpoints: { Control: 7000, data: 7001, "same-port": 7001 },
  env: { ROLE: "peer" },
  resources: { gpu: 1, shm: "256Mi" }
})

export const quiet = Codespec.worker({ name: "quiet", image: "registry.example/quiet:1" })

export const server = Codespec.job({
  name: "socket-server",
  image: "registry.example/server:1",
  buffers: { inputs: ["request"], outputs: ["response"] },
  sockets: [{ port: 9002, inputBuffer: "request", outputBuffer: "response" }]
})

export const plain = Codespec.job({ name: "plain", image: "busybox", command: ["true"] })

export const LONG_NAME = "a-very-long-run-name-that-is-exactly-fifty-two-chars"

export const edgeWorkflow = Workflow.make({
  runs: [
    Run.distributed({
      name: "training",
      job: { codespec: trainer, nodePool: "gpupool", replicas: 3, buffers: { data: "databuffer0000000000000000" } },
      worker: { codespec: peers, nodePool: "peerpool", replicas: 2 },
      env: {
        PEERS: Derived.addresses(peers.endpoints.data, { separator: ";" }),
        HOSTS: Derived.workerNodes()
      },
      timeoutSeconds: 120
    }),
    Run.distributed({ name: LONG_NAME, job: plain, worker: quiet, replicas: 1 }),
    Run.distributed({ name: "7up", job: plain, worker: quiet, replicas: 2 }),
    Run.job(server, { name: "serve" }),
    Run.job(plain, { name: "plain" })
  ]
})

export const edgePlan = (): Promise<Plan.Plan> => compileForKubernetes(edgeWorkflow)
