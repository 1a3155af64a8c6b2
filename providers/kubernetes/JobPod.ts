import * as CodespecDocument from "../../model/CodespecDocument.ts"
import type * as Plan from "../../engine/plan/Plan.ts"
import type * as BufferSecret from "./BufferSecret.ts"
import * as Contract from "./Contract.ts"
import * as Helpers from "./HelperContainers.ts"
import * as Names from "./Names.ts"
import type * as Objects from "./Objects.ts"
import * as Pods from "./Pods.ts"
import * as Workers from "./Workers.ts"

/**
 * The job's pod, laid out as Tyger's (§6.3 of the behaviour reference): FIFOs in an emptyDir made by an init
 * container, one buffer sidecar per parameter reading its access URL from the run's Secret (or, for a scheduled
 * run's fresh buffers, from what the `create-buffers` init container wrote), `main` with the codespec's command and
 * the `<P>_PIPE` variables, and for distributed runs an init container that holds `main` back until every worker
 * accepts connections and a container that deletes the workers once the run is over.
 */
export interface JobPodInput {
  readonly run: Plan.Run
  readonly spec: CodespecDocument.Checked
  readonly topology: Workers.Topology | undefined
  readonly image: string
  readonly namespace: string
  readonly workerWaitSeconds: number
  readonly buffers: BufferSecret.Layout
  readonly storageKeySecret: string | undefined
}

/** The parameters carried by a socket instead of a FIFO in `main` (no `<P>_PIPE` for them, Tyger's rule), by port. */
const socketParameters = (spec: CodespecDocument.Spec): ReadonlyMap<string, number> =>
  new Map((spec.sockets ?? []).flatMap((s) =>
    [s.inputBuffer, s.outputBuffer].filter((p): p is string => p !== undefined && p !== "").map((p) => [p, s.port] as const)))

/** Env in Tyger's order: `TYGER_RUN_ID`, the codespec's env as declared, the pipes, then the workers' variables. */
const mainEnv = (input: JobPodInput): Array<Objects.EnvVar> => {
  const sockets = socketParameters(input.spec)
  return [
    { name: "TYGER_RUN_ID", value: input.run.name },
    ...Pods.codespecEnv(input.spec),
    ...CodespecDocument.parametersOf(input.spec)
      .filter((p) => !sockets.has(p))
      .map((p) => ({ name: CodespecDocument.pipeVariable(p), value: Contract.fifoPath(p) })),
    ...(input.topology === undefined ? [] : Workers.jobEnv(input.topology, input.run.job.env))
  ]
}

const initContainers = (input: JobPodInput, helper: Helpers.HelperInput, parameters: ReadonlyArray<string>): Array<Objects.Container> => [
  ...Helpers.createBuffers(helper, input.run.name, input.buffers),
  ...Helpers.mkfifo(helper, parameters),
  ...(input.topology === undefined ? [] : [Helpers.waitForWorkers(
    helper,
    Math.min(input.workerWaitSeconds, input.run.timeoutSeconds),
    Workers.waitTargets(input.topology)
  )])
]

export const podTemplate = (input: JobPodInput): Objects.PodTemplate => {
  const { run, spec } = input
  const helper: Helpers.HelperInput = { image: input.image, namespace: input.namespace, storageKeySecret: input.storageKeySecret }
  const parameters = CodespecDocument.parametersOf(spec)
  const sockets = spec.sockets ?? []
  const socketOf = socketParameters(spec)
  const memory = Pods.shm(spec)
  const mounts = [...(parameters.length === 0 ? [] : [Helpers.pipeMount]), ...(memory === undefined ? [] : [memory.mount])]
  // A socket codespec's main serves until told to stop, so it would hold the Job open forever; as a native sidecar
  // (an init container that keeps running) the kubelet stops it once the socket and buffer sidecars are done.
  const hasSockets = sockets.length > 0
  const main = Pods.mainContainer(spec, mainEnv(input), mounts, hasSockets ? { restartPolicy: "Always" } : {})
  // What ends when the program is done: main, or with sockets the socket sidecars (the last one for the workers).
  const watchedFor = (p: string): string => {
    const port = socketOf.get(p)
    return port === undefined ? Contract.MAIN_CONTAINER : Contract.socketSidecarName(port)
  }
  const lastSocket = sockets.at(-1)
  const programEnd = lastSocket === undefined ? Contract.MAIN_CONTAINER : Contract.socketSidecarName(lastSocket.port)
  const sidecars = [
    ...CodespecDocument.inputsOf(spec).map((p) => Helpers.bufferSidecar(helper, "input", p, input.buffers, watchedFor(p))),
    ...CodespecDocument.outputsOf(spec).map((p) => Helpers.bufferSidecar(helper, "output", p, input.buffers, watchedFor(p))),
    ...sockets.map((s) => Helpers.socketSidecar(helper, s)),
    ...(run.worker === undefined ? [] : [Helpers.reapWorkers(helper, Names.job(run.name), Names.workers(run.name), programEnd)])
  ]
  const init = [...initContainers(input, helper, parameters), ...(hasSockets ? [main] : [])]
  const volumes: Array<Objects.Volume> = [
    ...(parameters.length === 0 ? [] : [{ name: Contract.PIPE_VOLUME, emptyDir: {} }]),
    ...(Object.keys(input.buffers.secret).length === 0 ? [] : [
      { name: Contract.URL_VOLUME, secret: { secretName: Names.bufferSecret(run.name) } }
    ]),
    ...(input.buffers.execution.length === 0 ? [] : [{ name: Contract.EXECUTION_URL_VOLUME, emptyDir: {} }]),
    ...(memory === undefined ? [] : [memory.volume])
  ]
  return {
    metadata: {
      labels: { ...Pods.jobLabels(run.name), ...Pods.identityLabels(spec) },
      annotations: {
        "tyger-job-replica-count": String(run.job.replicas),
        ...(run.worker === undefined ? {} : { "tyger-worker-replica-count": String(run.worker.replicas) }),
        ...(hasSockets ? { "tyger-has-socket": "true" } : {})
      }
    },
    spec: {
      restartPolicy: "Never",
      ...Pods.serviceAccount(spec),
      ...Pods.scheduling(spec, run.job.nodePool),
      ...(init.length === 0 ? {} : { initContainers: init }),
      containers: hasSockets ? sidecars : [main, ...sidecars],
      ...(volumes.length === 0 ? {} : { volumes })
    }
  }
}

/**
 * `replicas` identical pods that must all succeed (completions = parallelism, no retry: runs are never restarted),
 * stopped `timeoutSeconds` after the Job starts, which also covers pods that never get scheduled. With workers the
 * pods are indexed, so that exactly one of them (index 0) reaps the workers once every pod is done.
 */
export const jobSpec = (input: JobPodInput): Objects.JobSpec => ({
  ...(input.run.worker === undefined ? {} : { completionMode: "Indexed" as const }),
  completions: input.run.job.replicas,
  parallelism: input.run.job.replicas,
  backoffLimit: 0,
  activeDeadlineSeconds: input.run.timeoutSeconds,
  template: podTemplate(input)
})
