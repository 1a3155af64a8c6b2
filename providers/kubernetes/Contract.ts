/**
 * What the job pod expects of this package's image (`options.image`): a `tyger` executable on PATH and a POSIX `sh`
 * with `mkfifo`. The `tyger` sub-commands below are internal (hidden from help) and implemented elsewhere; this file
 * fixes their argv so the manifests and the implementation agree. Paths follow Tyger's pod layout.
 *
 * - `tyger buffer sidecar input|output --url-file FILE --pipe FIFO --namespace NS --pod $(POD_NAME) --container C`
 *   `input` reads the buffer into the FIFO, `output` writes what comes out of the FIFO to the buffer (format 0.3.0).
 *   C is `main`, or for a socket's buffer that socket's sidecar (see {@link bufferSidecarArgs}).
 *   FILE holds the buffer's access URL and is re-read whenever access fails with `AuthenticationFailed` (kubelet
 *   refreshes a mounted Secret after it is patched, as Tyger does to renew SAS URLs). While FILE starts with
 *   {@link UNBOUND_PREFIX} the URL is not known yet: the sidecar logs what it waits for and re-reads FILE every few
 *   seconds; the Job's deadline bounds the wait. A URL without a SAS signature (`sig=`) is accessed with the pod's
 *   ambient Azure credentials (workload identity). `--pod/--container` let the sidecar notice that `main` ended
 *   without opening the FIFO (Tyger: an input sidecar then exits quietly, an output sidecar writes an empty,
 *   complete buffer); that needs `get` on pods for the pod's service account, which `SidecarAccess.ts` grants, and
 *   without it the sidecar only has the deadline. Exit 0 on success, non-zero with one `Error: ...` line otherwise.
 * - `tyger buffer sidecar socket --address localhost:PORT [--input FIFO] [--output FIFO]` (Tyger's `socket-adapt`):
 *   dials PORT (retrying every second for up to 10 minutes) and pumps the input FIFO into the socket and the socket
 *   into the output FIFO; exits 0 when both directions are done.
 * - `tyger run wait-for-workers --timeout DURATION TARGET...`: each TARGET is `host:port` (wait until it accepts a TCP
 *   connection) or `host` (wait until it resolves). Polls every second; exits 0 once every target is reachable, or 1
 *   after DURATION (a Go duration) naming the targets still unreachable.
 * - `tyger buffer provision --endpoint URL --tag run=RUN [--execution JOB --namespace NS --url-dir DIR] SPEC...`
 *   (init container `create-buffers`): creates the blob container of each buffer if it does not exist, tagged (as
 *   container metadata) `run`, `parameter`, and with `--execution` also `execution=JOB`. SPEC `PARAM=ID` names a fixed
 *   id (a one-off run's `create` buffer, `BufferIds.runBufferId`, or the producer's buffer a `runOutput` reads);
 *   SPEC `PARAM` (only with `--execution`) is a buffer of this execution, id `BufferIds.executionBufferId(NS, JOB,
 *   PARAM)`, whose URL `URL/<id>` is written to `DIR/PARAM` for the sidecar's `--url-file`. Idempotent. Prints one
 *   `PARAM ID` line per buffer. Credentials as the sidecar's (below).
 * - Container URLs without a SAS (`sig=`) are accessed with credentials from the environment: `AZURE_STORAGE_KEY`
 *   (the account key, from `Options.storageKeySecret`), else workload identity (`AZURE_FEDERATED_TOKEN_FILE`,
 *   `AZURE_CLIENT_ID`, `AZURE_TENANT_ID`, `AZURE_AUTHORITY_HOST`, injected by AKS's webhook into pods labelled
 *   `azure.workload.identity/use: "true"`).
 * - `tyger run reap-workers --namespace NS --pod $(POD_NAME) --container main --job JOB --workers NAME`
 *   (container `reap-workers`, distributed runs): Tyger's RunFinalizer for workers. In the pod of completion index 0
 *   (`JOB_COMPLETION_INDEX`; other indexes exit 0 at once) it waits until `--container` has terminated and every
 *   other pod of the Job has finished (`status.succeeded + status.failed >= completions - 1`), or until SIGTERM
 *   (deadline, deletion), then deletes the StatefulSet and the Service NAME (a 404 is success). `--container` is
 *   `main`, or for a socket codespec the last socket's sidecar (`main` is then a native sidecar that only stops
 *   after the regular containers, this one included). Needs the RBAC of `SidecarAccess.ts`.
 */
export const FIFO_DIR = "/etc/buffer-fifos"
export const URL_DIR = "/etc/buffer-sas-tokens"
export const PIPE_VOLUME = "pipevolume"
export const URL_VOLUME = "buffers"
export const SHM_VOLUME = "shm"
export const MAIN_CONTAINER = "main"

/** Secret values that are not URLs yet; see the module comment. */
export const UNBOUND_PREFIX = "tyger-ts:unbound:"

/** Where the `create-buffers` init step of a scheduled run writes each execution's buffer URLs (an emptyDir). */
export const EXECUTION_URL_DIR = "/etc/buffer-execution"
export const EXECUTION_URL_VOLUME = "execution-buffers"
export const CREATE_BUFFERS_CONTAINER = "create-buffers"
export const REAP_WORKERS_CONTAINER = "reap-workers"
/** The env var holding the storage account key in helper containers. */
export const STORAGE_KEY_ENV = "AZURE_STORAGE_KEY"

export const fifoPath = (parameter: string): string => `${FIFO_DIR}/${parameter}`
export const urlPath = (parameter: string): string => `${URL_DIR}/${parameter}`
export const executionUrlPath = (parameter: string): string => `${EXECUTION_URL_DIR}/${parameter}`

export const bufferSidecarName = (parameter: string): string => `${parameter}-buffer-sidecar`
export const socketSidecarName = (port: number): string => `socket-${port}-sidecar`

/**
 * `urlFile` is the Secret's file, or for a scheduled run's `create` buffer the execution's ({@link executionUrlPath});
 * `watched` is `main`, or for a socket's buffer the socket's sidecar (`main` then serves until the pod stops).
 */
export const bufferSidecarArgs = (
  direction: "input" | "output",
  parameter: string,
  namespace: string,
  urlFile: string = urlPath(parameter),
  watched: string = MAIN_CONTAINER
): Array<string> => [
  "buffer", "sidecar", direction,
  "--url-file", urlFile,
  "--pipe", fifoPath(parameter),
  "--namespace", namespace,
  "--pod", "$(POD_NAME)",
  "--container", watched
]

export const provisionArgs = (options: {
  readonly endpoint: string
  readonly run: string
  /** Scheduled runs: the execution's buffers, ids from the Job's name. */
  readonly execution?: { readonly job: string; readonly namespace: string; readonly parameters: ReadonlyArray<string> }
  readonly fixed: ReadonlyArray<readonly [parameter: string, id: string]>
}): Array<string> => [
  "buffer", "provision",
  "--endpoint", options.endpoint,
  "--tag", `run=${options.run}`,
  ...(options.execution === undefined ? [] : [
    "--execution", options.execution.job,
    "--namespace", options.execution.namespace,
    "--url-dir", EXECUTION_URL_DIR
  ]),
  ...options.fixed.map(([parameter, id]) => `${parameter}=${id}`),
  ...(options.execution?.parameters ?? [])
]

export const reapWorkersArgs = (
  namespace: string,
  job: string,
  workers: string,
  watched: string = MAIN_CONTAINER
): Array<string> => [
  "run", "reap-workers",
  "--namespace", namespace,
  "--pod", "$(POD_NAME)",
  "--container", watched,
  "--job", job,
  "--workers", workers
]

export const socketSidecarArgs = (port: number, input: string | undefined, output: string | undefined): Array<string> => [
  "buffer", "sidecar", "socket",
  "--address", `localhost:${port}`,
  ...(input === undefined ? [] : ["--input", fifoPath(input)]),
  ...(output === undefined ? [] : ["--output", fifoPath(output)])
]

export const waitForWorkersArgs = (seconds: number, targets: ReadonlyArray<string>): Array<string> => [
  "run", "wait-for-workers", "--timeout", `${seconds}s`, ...targets
]

/** FIFO paths are passed as arguments, never spliced into the script, so no quoting can go wrong. */
export const MKFIFO_SCRIPT = 'set -eu\nfor fifo in "$@"; do mkfifo -m 666 "$fifo"; done\n'

/** `sh -c SCRIPT mkfifo PATH...`: `mkfifo` becomes `$0`, the paths `$@`; mode 666 whatever the umask or user. */
export const mkfifoCommand = (parameters: ReadonlyArray<string>): Array<string> =>
  ["sh", "-c", MKFIFO_SCRIPT, "mkfifo", ...parameters.map(fifoPath)]
