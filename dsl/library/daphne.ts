import * as Codespec from "../Codespec.ts"
import * as Derived from "../Derived.ts"
import * as Run from "../Run.ts"

/**
 * DAPHNE's distributed runtime: `DistributedWorker`s listen on a gRPC port and the coordinator finds them through
 * `DISTRIBUTED_WORKERS=host:port,...`, which the run derives from the workers' endpoint.
 */
export const DAPHNE_IMAGE = "daphneeu/daphne:latest"
export const WORKER_PORT = 50051

export const distributedWorker = Codespec.worker({
  name: "daphne-worker",
  image: DAPHNE_IMAGE,
  command: ["/daphne/bin/DistributedWorker"],
  args: [`0.0.0.0:${WORKER_PORT}`],
  endpoints: { grpc: WORKER_PORT },
  resources: { requests: { cpu: 2, memory: "4Gi" }, limits: { memory: "4Gi" } }
})

export const coordinator = Codespec.job({
  name: "daphne-coordinator",
  image: DAPHNE_IMAGE,
  buffers: { inputs: ["script"], outputs: ["result"] },
  command: ["sh", "-c", 'cat "$SCRIPT_PIPE" > /tmp/job.daph && /daphne/bin/daphne --distributed /tmp/job.daph > "$RESULT_PIPE"']
})

export const daphne = Run.distributed({
  name: "daphne",
  job: coordinator,
  worker: distributedWorker,
  replicas: 3,
  env: { DISTRIBUTED_WORKERS: Derived.addresses(distributedWorker.endpoints.grpc, { separator: "," }) },
  timeoutSeconds: 3600
})
