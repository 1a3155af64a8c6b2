/**
 * What the job pod expects of this package's image (`options.image`): a `tyger` executable on PATH and a POSIX `sh`
 * with `mkfifo`. The `tyger` sub-commands below are internal (hidden from help) and implemented elsewhere; this file
 * fixes their argv so the manifests and the implementation agree. Paths follow Tyger's pod layout.
 *
 * - `tyger buffer sidecar input|output --url-file FILE --pipe FIFO --namespace NS --pod $(POD_NAME) --container main`
 *   `input` reads the buffer into the FIFO, `output` writes what comes out of the FIFO to the buffer (format 0.3.0).
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
 */
export const FIFO_DIR = "/etc/buffer-fifos"
export const URL_DIR = "/etc/buffer-sas-tokens"
export const PIPE_VOLUME = "pipevolume"
export const URL_VOLUME = "buffers"
export const SHM_VOLUME = "shm"
export const MAIN_CONTAINER = "main"

/** Secret values that are not URLs yet; see the module comment. */
export const UNBOUND_PREFIX = "tyger-ts:unbound:"

/** How long the job waits for its workers at most, unless the run's own timeout is shorter. */
export const DEFAULT_WORKER_WAIT_SECONDS = 900

export const fifoPath = (parameter: string): string => `${FIFO_DIR}/${parameter}`
export const urlPath = (parameter: string): string => `${URL_DIR}/${parameter}`

export const bufferSidecarName = (parameter: string): string => `${parameter}-buffer-sidecar`
export const socketSidecarName = (port: number): string => `socket-${port}-sidecar`

export const bufferSidecarArgs = (direction: "input" | "output", parameter: string, namespace: string): Array<string> => [
  "buffer", "sidecar", direction,
  "--url-file", urlPath(parameter),
  "--pipe", fifoPath(parameter),
  "--namespace", namespace,
  "--pod", "$(POD_NAME)",
  "--container", MAIN_CONTAINER
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
