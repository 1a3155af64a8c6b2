import * as CodespecDocument from "../../model/CodespecDocument.ts"
import type * as Plan from "../../engine/plan/Plan.ts"
import * as Contract from "./Contract.ts"
import * as Names from "./Names.ts"
import type * as Objects from "./Objects.ts"
import * as Pods from "./Pods.ts"
import * as Workers from "./Workers.ts"

/**
 * The job's pod, laid out as Tyger's (§6.3 of the behaviour reference): FIFOs in an emptyDir made by an init
 * container, one buffer sidecar per parameter reading its access URL from the run's Secret, `main` with the
 * codespec's command and the `<P>_PIPE` variables, and for distributed runs an init container that holds `main`
 * back until every worker accepts connections.
 */
export interface JobPodInput {
  readonly run: Plan.Run
  readonly spec: CodespecDocument.Checked
  readonly topology: Workers.Topology | undefined
  readonly image: string
  readonly namespace: string
  readonly workerWaitSeconds: number
}

const pipeMount: Objects.VolumeMount = { name: Contract.PIPE_VOLUME, mountPath: Contract.FIFO_DIR }
const urlMount: Objects.VolumeMount = { name: Contract.URL_VOLUME, mountPath: Contract.URL_DIR, readOnly: true }

/** Parameters carried by a socket instead of a FIFO in `main`: no `<P>_PIPE` for them (Tyger's rule). */
const socketParameters = (spec: CodespecDocument.Spec): ReadonlySet<string> =>
  new Set((spec.sockets ?? []).flatMap((s) => [s.inputBuffer, s.outputBuffer].filter((p): p is string => p !== undefined && p !== "")))

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

const bufferSidecar = (direction: "input" | "output", parameter: string, input: JobPodInput): Objects.Container => ({
  name: Contract.bufferSidecarName(parameter),
  image: input.image,
  command: ["tyger"],
  args: Contract.bufferSidecarArgs(direction, parameter, input.namespace),
  env: [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
  volumeMounts: [urlMount, pipeMount]
})

const socketSidecar = (socket: CodespecDocument.Socket, input: JobPodInput): Objects.Container => ({
  name: Contract.socketSidecarName(socket.port),
  image: input.image,
  command: ["tyger"],
  args: Contract.socketSidecarArgs(socket.port, socket.inputBuffer || undefined, socket.outputBuffer || undefined),
  volumeMounts: [pipeMount]
})

const initContainers = (input: JobPodInput, parameters: ReadonlyArray<string>): Array<Objects.Container> => [
  ...(parameters.length === 0 ? [] : [{
    name: "mkfifo",
    image: input.image,
    command: Contract.mkfifoCommand(parameters),
    volumeMounts: [pipeMount]
  }]),
  ...(input.topology === undefined ? [] : [{
    name: "wait-for-workers",
    image: input.image,
    command: ["tyger"],
    args: Contract.waitForWorkersArgs(
      Math.min(input.workerWaitSeconds, input.run.timeoutSeconds),
      Workers.waitTargets(input.topology)
    )
  }])
]

export const podTemplate = (input: JobPodInput): Objects.PodTemplate => {
  const { run, spec } = input
  const parameters = CodespecDocument.parametersOf(spec)
  const sockets = spec.sockets ?? []
  const memory = Pods.shm(spec)
  const mounts = [...(parameters.length === 0 ? [] : [pipeMount]), ...(memory === undefined ? [] : [memory.mount])]
  // A socket codespec's main serves until told to stop, so it would hold the Job open forever; as a native sidecar
  // (an init container that keeps running) the kubelet stops it once the socket and buffer sidecars are done.
  const hasSockets = sockets.length > 0
  const main = Pods.mainContainer(spec, mainEnv(input), mounts, hasSockets ? { restartPolicy: "Always" } : {})
  const sidecars = [
    ...CodespecDocument.inputsOf(spec).map((p) => bufferSidecar("input", p, input)),
    ...CodespecDocument.outputsOf(spec).map((p) => bufferSidecar("output", p, input)),
    ...sockets.map((s) => socketSidecar(s, input))
  ]
  const init = [...initContainers(input, parameters), ...(hasSockets ? [main] : [])]
  const volumes: Array<Objects.Volume> = [
    ...(parameters.length === 0 ? [] : [
      { name: Contract.PIPE_VOLUME, emptyDir: {} },
      { name: Contract.URL_VOLUME, secret: { secretName: Names.bufferSecret(run.name) } }
    ]),
    ...(memory === undefined ? [] : [memory.volume])
  ]
  return {
    metadata: {
      labels: Pods.jobLabels(run.name),
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
 * stopped `timeoutSeconds` after the Job starts, which also covers pods that never get scheduled.
 */
export const jobSpec = (input: JobPodInput): Objects.JobSpec => ({
  completions: input.run.job.replicas,
  parallelism: input.run.job.replicas,
  backoffLimit: 0,
  activeDeadlineSeconds: input.run.timeoutSeconds,
  template: podTemplate(input)
})
