import type * as CodespecDocument from "../../model/CodespecDocument.ts"
import type * as BufferSecret from "./BufferSecret.ts"
import * as Contract from "./Contract.ts"
import type * as Objects from "./Objects.ts"
import { STORAGE_KEY_SECRET_KEY } from "./Options.ts"

/**
 * The job pod's containers that run this package's image (`Contract.ts`): `create-buffers`, `mkfifo`,
 * `wait-for-workers`, the buffer and socket sidecars, `reap-workers`. Never `main` or a worker: those are the
 * codespec's, and get exactly what the codespec asks for.
 */

/**
 * Hardened clusters (Pod Security `restricted`, Gatekeeper/Azure Policy) refuse containers that may run as root,
 * escalate privileges or keep capabilities. The image's user is uid 1000 (the node image's `node`), numeric here so
 * the kubelet can check `runAsNonRoot` without reading the image's `/etc/passwd`; the FIFOs are mode 666 and the
 * emptyDirs world-writable, so `main` may run as anyone.
 */
export const SECURITY_CONTEXT: Objects.SecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  runAsGroup: 1000,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" }
}

/**
 * A namespace with a ResourceQuota on cpu or memory rejects every container without requests and limits. A helper
 * mostly waits; a buffer transfer holds a few 4 MiB blocks in flight, well inside 512 MiB.
 */
export const RESOURCES: Objects.ResourceRequirements = {
  requests: { cpu: "50m", memory: "64Mi" },
  limits: { cpu: "1", memory: "512Mi" }
}

export interface HelperInput {
  readonly image: string
  readonly namespace: string
  /** `Options.storageKeySecret`: the helpers that reach storage get the account key from it. */
  readonly storageKeySecret: string | undefined
}

const helper = (input: HelperInput, container: Omit<Objects.Container, "image" | "securityContext" | "resources">): Objects.Container => ({
  ...container,
  image: input.image,
  securityContext: SECURITY_CONTEXT,
  resources: RESOURCES
})

const podName: Objects.EnvVar = { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }

/** The Job controller labels its pods `job-name`: a scheduled run's execution is named by its Job. */
const jobName: Objects.EnvVar = { name: "JOB_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.labels['job-name']" } } }

const storageKey = (input: HelperInput): Array<Objects.EnvVar> =>
  input.storageKeySecret === undefined
    ? []
    : [{ name: Contract.STORAGE_KEY_ENV, valueFrom: { secretKeyRef: { name: input.storageKeySecret, key: STORAGE_KEY_SECRET_KEY } } }]

const withEnv = (env: ReadonlyArray<Objects.EnvVar>): Pick<Objects.Container, "env"> => env.length === 0 ? {} : { env: [...env] }

export const pipeMount: Objects.VolumeMount = { name: Contract.PIPE_VOLUME, mountPath: Contract.FIFO_DIR }
export const urlMount: Objects.VolumeMount = { name: Contract.URL_VOLUME, mountPath: Contract.URL_DIR, readOnly: true }
const executionMount = (readOnly: boolean): Objects.VolumeMount =>
  ({ name: Contract.EXECUTION_URL_VOLUME, mountPath: Contract.EXECUTION_URL_DIR, ...(readOnly ? { readOnly } : {}) })

/** Creates the run's buffers before anything reads or writes them; nothing when there is none or no storage. */
export const createBuffers = (input: HelperInput, run: string, layout: BufferSecret.Layout): Array<Objects.Container> => {
  const storage = layout.storage
  if (storage === undefined || (layout.fixed.length === 0 && layout.execution.length === 0)) return []
  const scheduled = layout.execution.length > 0
  return [helper(input, {
    name: Contract.CREATE_BUFFERS_CONTAINER,
    command: ["tyger"],
    args: Contract.provisionArgs({
      endpoint: storage.endpoint,
      run,
      fixed: layout.fixed,
      ...(scheduled ? { execution: { job: "$(JOB_NAME)", namespace: input.namespace, parameters: layout.execution } } : {})
    }),
    ...withEnv([...(scheduled ? [jobName] : []), ...storageKey(input)]),
    ...(scheduled ? { volumeMounts: [executionMount(false)] } : {})
  })]
}

export const mkfifo = (input: HelperInput, parameters: ReadonlyArray<string>): Array<Objects.Container> =>
  parameters.length === 0 ? [] : [helper(input, {
    name: "mkfifo",
    command: Contract.mkfifoCommand(parameters),
    volumeMounts: [pipeMount]
  })]

export const waitForWorkers = (input: HelperInput, seconds: number, targets: ReadonlyArray<string>): Objects.Container =>
  helper(input, { name: "wait-for-workers", command: ["tyger"], args: Contract.waitForWorkersArgs(seconds, targets) })

/**
 * `watched` is the container whose end means the program is done with its pipes: `main`, or for a socket's buffer
 * the socket's sidecar (`main` is then a native sidecar that stops only after the regular containers, this one
 * included, so watching it would wait for the deadline).
 */
export const bufferSidecar = (
  input: HelperInput,
  direction: "input" | "output",
  parameter: string,
  layout: BufferSecret.Layout,
  watched: string
): Objects.Container => {
  const urlFile = layout.urlFile.get(parameter) ?? Contract.urlPath(parameter)
  const perExecution = urlFile !== Contract.urlPath(parameter)
  return helper(input, {
    name: Contract.bufferSidecarName(parameter),
    command: ["tyger"],
    args: Contract.bufferSidecarArgs(direction, parameter, input.namespace, urlFile, watched),
    env: [podName, ...storageKey(input)],
    volumeMounts: [perExecution ? executionMount(true) : urlMount, pipeMount]
  })
}

export const socketSidecar = (input: HelperInput, socket: CodespecDocument.Socket): Objects.Container =>
  helper(input, {
    name: Contract.socketSidecarName(socket.port),
    command: ["tyger"],
    args: Contract.socketSidecarArgs(socket.port, socket.inputBuffer || undefined, socket.outputBuffer || undefined),
    volumeMounts: [pipeMount]
  })

/** Ends the workers with the run (Tyger's RunFinalizer); `watched` as for {@link bufferSidecar}. */
export const reapWorkers = (input: HelperInput, job: string, workers: string, watched: string): Objects.Container =>
  helper(input, {
    name: Contract.REAP_WORKERS_CONTAINER,
    command: ["tyger"],
    args: Contract.reapWorkersArgs(input.namespace, job, workers, watched),
    // No storage key: the reaper talks to the API server only, and a helper gets no secret it does not use.
    env: [podName]
  })
