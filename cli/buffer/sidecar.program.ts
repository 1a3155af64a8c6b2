import { Clock, Duration, Effect, Semaphore } from "effect"
import * as Fs from "node:fs"
import * as FsP from "node:fs/promises"
import * as Https from "node:https"
import * as Net from "node:net"
import * as Path from "node:path"
import { BlobStoreError, type Container } from "../../engine/buffers/BlobStore.ts"
import { fromBlobStoreError } from "../../engine/buffers/BufferError.ts"
import * as BufferReader from "../../engine/buffers/BufferReader.ts"
import * as BufferWriter from "../../engine/buffers/BufferWriter.ts"
import * as DataDir from "../../engine/store/DataDir.ts"
import * as LocalBlobStore from "../../engine/buffers/LocalBlobStore.ts"
import { UNBOUND_PREFIX } from "../../providers/kubernetes/Contract.ts"
import { invalidArguments } from "../CliError.ts"
import { fatal } from "../output/Fatal.ts"
import { interrupted } from "./Signals.ts"
import { Canceled, fatalWith } from "./Transfer.ts"

/**
 * `tyger buffer sidecar input|output|socket`: the helper containers of a Kubernetes job pod (argv fixed in
 * providers/kubernetes/Contract.ts), Tyger's buffer-sidecar. `input` reads a buffer into the FIFO `main` reads,
 * `output` writes what `main` writes into its FIFO to a buffer, `socket` pumps FIFOs through `main`'s TCP port.
 *
 * "main is gone" is learnt from `--tombstone FILE` appearing (Tyger's Docker mode) or, with `--namespace --pod
 * --container`, by polling `GET /api/v1/namespaces/NS/pods/POD` with the pod's service account until that container
 * is terminated. That needs RBAC a service account does not have by default: a Role with
 * `{apiGroups: [""], resources: ["pods"], verbs: ["get"]}` in NS, bound to the service account, which the manifests
 * emit for every run with buffers (providers/kubernetes/SidecarAccess.ts). Without it (objects applied by hand, the
 * binding revoked) the sidecar logs why it cannot watch, with a hint on a 403, and relies on the Job's deadline. `TYGER_TS_SERVICE_ACCOUNT_DIR` overrides the
 * service account directory (tests use it with a fake API server).
 */

// The flags as given; `dataDir` is `--data-dir` (file:// URLs are verified with that data directory's key).
export type SidecarInput =
  & { readonly [Flag in "urlFile" | "pipe" | "namespace" | "pod" | "container" | "tombstone"]: string | undefined }
  & { readonly [Flag in "address" | "input" | "output" | "dataDir"]: string | undefined }
  & {
    readonly positionals: ReadonlyArray<string>
    readonly env: Readonly<Record<string, string | undefined>>
    readonly cwd: string
  }

/** While the file holds a placeholder, and while a refused URL is not replaced, it is re-read this often. */
const REREAD = Duration.seconds(2)
/** How long a refused (expired) URL may take to be replaced: kubelet refreshes Secret volumes within ~1-2 min. */
const REFRESH_WAIT_MILLIS = 180_000
const POD_POLL = Duration.seconds(2)
const POD_POLL_AFTER_ERROR = Duration.seconds(10)
const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
/** Tyger's socket-adapt retries for 20 minutes; the contract says 10. */
const DIAL_FOR_MILLIS = 600_000

const { O_RDONLY, O_WRONLY, O_NONBLOCK } = Fs.constants

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))
const errnoOf = (error: unknown) =>
  typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined
const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis))

/** A one-shot signal that promise-based FIFO code can poll (`done`) and await (`promise`). */
class Latch {
  done = false
  private release = () => {}
  readonly promise = new Promise<void>((resolve) => (this.release = resolve))
  open(): void {
    this.done = true
    this.release()
  }
}

// ---- main's lifetime --------------------------------------------------------------------------------------------

const watchTombstone = (file: string) =>
  Effect.gen(function*() {
    while (!(yield* Effect.promise(() => FsP.access(file).then(() => true, () => false)))) yield* Effect.sleep("250 millis")
    yield* Effect.logInfo("Tombstone file created.")
  })

type ContainerStatuses = ReadonlyArray<{ readonly name?: string; readonly state?: { readonly terminated?: unknown } }>
type Pod = {
  readonly status?: { readonly phase?: string; readonly containerStatuses?: ContainerStatuses; readonly initContainerStatuses?: ContainerStatuses }
}

/** Whether `container` has terminated (a native sidecar `main` is listed among the init containers). */
export const containerTerminated = (pod: Pod, container: string): boolean => {
  const status = pod.status
  if (status?.phase === "Succeeded" || status?.phase === "Failed") return true
  const all = [...(status?.containerStatuses ?? []), ...(status?.initContainerStatuses ?? [])]
  return all.some((s) => s.name === container && s.state?.terminated !== undefined && s.state.terminated !== null)
}

/** One in-cluster `GET` of the pod: the service account token is re-read each time (bound tokens rotate). */
const getPod = async (env: SidecarInput["env"], namespace: string, pod: string): Promise<Pod> => {
  const host = env["KUBERNETES_SERVICE_HOST"] ?? ""
  if (host === "") throw new Error("not running in a Kubernetes cluster (KUBERNETES_SERVICE_HOST is not set)")
  const dir = env["TYGER_TS_SERVICE_ACCOUNT_DIR"] ?? SERVICE_ACCOUNT_DIR
  const [token, ca] = await Promise.all([
    FsP.readFile(Path.join(dir, "token"), "utf8"),
    FsP.readFile(Path.join(dir, "ca.crt"))
  ])
  return new Promise<Pod>((resolve, reject) => {
    const request = Https.request({
      host,
      port: Number(env["KUBERNETES_SERVICE_PORT"] ?? "443"),
      path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`,
      headers: { Authorization: `Bearer ${token.trim()}`, Accept: "application/json" },
      ca,
      timeout: 10_000
    }, (response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("error", reject)
      response.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8")
        let parsed: { readonly message?: unknown } | undefined
        try {
          parsed = JSON.parse(body) as { readonly message?: unknown }
        } catch {
          // Not JSON (a proxy's error page): the start of the body says enough.
        }
        if (response.statusCode === 200 && parsed !== undefined) return resolve(parsed as Pod)
        const hint = response.statusCode === 403 ? " (the pod's service account needs 'get' on pods)" : ""
        reject(new Error(`GET pod: ${response.statusCode} ${String(parsed?.message ?? body.slice(0, 300))}${hint}`))
      })
    })
    request.on("timeout", () => request.destroy(new Error("the API server did not answer within 10s")))
    request.on("error", reject)
    request.end()
  })
}

const watchPod = (env: SidecarInput["env"], namespace: string, pod: string, container: string) =>
  Effect.gen(function*() {
    let reported: string | undefined
    for (;;) {
      const answer = yield* Effect.tryPromise({ try: () => getPod(env, namespace, pod), catch: messageOf }).pipe(
        Effect.map((found): boolean | undefined => containerTerminated(found, container)),
        Effect.catch((problem) =>
          problem === reported ? Effect.succeed(undefined) : Effect.as(
            Effect.logWarning(`Cannot watch container ${container} of pod ${namespace}/${pod}: ${(reported = problem)}. Retrying.`),
            undefined
          )
        )
      )
      if (answer === true) return yield* Effect.logInfo("Target container completed.")
      yield* Effect.sleep(answer === undefined ? POD_POLL_AFTER_ERROR : POD_POLL)
    }
  })

// ---- FIFOs ------------------------------------------------------------------------------------------------------
// A blocking open(2) of a FIFO waits for the other end and cannot be cancelled (see providers/docker/internal/Fifo.ts).
// The input side polls a non-blocking open for a reader; both sides, once main is gone, open and close the other
// end until the transfer ends, which releases an open still blocked in our reading or writing thread.

const pollDelay = (attempt: number) => (attempt < 4 ? 2 ** attempt : attempt < 6_000 ? 10 : 250)

/** Resolves once main has the FIFO open for reading (with our probe descriptor), or `undefined` once main is gone. */
const waitForReader = async (path: string, gone: Latch): Promise<number | undefined> => {
  for (let attempt = 0;; attempt++) {
    try {
      return Fs.openSync(path, O_WRONLY | O_NONBLOCK)
    } catch (error) {
      if (errnoOf(error) !== "ENXIO") throw error
    }
    if (gone.done) return undefined
    await Promise.race([sleep(pollDelay(attempt)), gone.promise])
  }
}

const unblockWhenGone = (path: string, otherEnd: number, gone: Latch) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const state = { stopped: false }
      void gone.promise.then(async () => {
        while (!state.stopped) {
          try {
            Fs.closeSync(Fs.openSync(path, otherEnd | O_NONBLOCK))
          } catch {
            // ENXIO: nothing of ours waits in open.
          }
          await sleep(20)
        }
      })
      return state
    }),
    (state) => Effect.sync(() => void (state.stopped = true))
  )

// ---- access URLs --------------------------------------------------------------------------------------------------

const storeError = (reason: BlobStoreError["reason"], message: string) => new BlobStoreError({ reason, message })

const readUrlFile = (file: string) =>
  Effect.tryPromise({
    try: () => FsP.readFile(file, "utf8"),
    catch: (cause) => storeError("Io", `unable to read URL string from file ${file}: ${messageOf(cause)}`)
  }).pipe(Effect.map((text) => text.trim()))

type Open = (url: string) => Effect.Effect<Container, BlobStoreError>

/** file:// URLs are the local backend's (verified with the data directory's key); http(s) ones Azure SAS URLs. */
const opener = (dataDir: string | undefined): Open => {
  let local: ReturnType<typeof LocalBlobStore.make> | undefined
  return (url) => {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase()
    if (scheme === "file") {
      if (dataDir === undefined) {
        return Effect.fail(storeError("Io", "a file:// access URL needs its data directory (--data-dir or TYGER_TS_DATA_DIR)"))
      }
      return (local ??= LocalBlobStore.make({ dataDir })).fromUrl(url)
    }
    // Refusals that no refreshed URL can cure fail at once (reason Io); AuthenticationFailed waits for a new URL.
    if (scheme !== "http" && scheme !== "https") return Effect.fail(storeError("Io", "Invalid access URL: not a file:// or http(s):// URL"))
    if (!/[?&]sig=/.test(url)) {
      return Effect.fail(storeError("Io", "Invalid access URL: it carries no SAS signature (sig); workload identity is not supported"))
    }
    // Loaded only here: the Azure SDK costs more start-up time than the rest of the CLI.
    return Effect.flatMap(Effect.promise(() => import("../../engine/buffers/AzureBlobStore.ts")), (Azure) => Azure.containerFromUrl(url))
  }
}

const refusedUrl = (file: string, refused: BlobStoreError) =>
  Effect.logWarning(`The access URL in ${file} was refused (${refused.message}); waiting for a new one`)

/**
 * The file's URL, opened: waits (without limit: the Job's deadline bounds it) while the file holds a placeholder, and
 * for up to REFRESH_WAIT while it still holds `stale` or a URL the backend refuses.
 */
const openFromFile = (file: string, open: Open, stale: string | undefined) =>
  Effect.gen(function*() {
    const giveUp = (yield* Clock.currentTimeMillis) + REFRESH_WAIT_MILLIS
    let avoid = stale
    let waitingFor: string | undefined
    let refused: BlobStoreError | undefined
    for (;;) {
      const url = yield* readUrlFile(file)
      const placeholder = url.startsWith(UNBOUND_PREFIX)
      if (placeholder || url === avoid) {
        if (placeholder && waitingFor !== url) {
          yield* Effect.logInfo(`Waiting for the access URL: ${file} holds '${(waitingFor = url)}'`)
        }
        if (!placeholder && (yield* Clock.currentTimeMillis) > giveUp) return yield* refused ?? storeError("AuthenticationFailed", "")
        yield* Effect.sleep(REREAD)
        continue
      }
      const opened = yield* Effect.result(open(url))
      if (opened._tag === "Success") return { url, container: opened.success }
      if (opened.failure.reason !== "AuthenticationFailed") return yield* opened.failure
      yield* refusedUrl(file, (refused = opened.failure))
      avoid = url
    }
  })

/**
 * A container that re-reads the URL file when the backend refuses the URL (an expired SAS: Kubernetes refreshes the
 * mounted Secret, as Tyger's server renews it at 70 % of its lifetime) and retries the operation with the new one.
 * Concurrent operations refused together share one refresh.
 */
export const refreshing = (file: string, open: Open) =>
  Effect.gen(function*() {
    let state = { ...(yield* openFromFile(file, open, undefined)), generation: 0 }
    const lock = yield* Semaphore.make(1)
    const refresh = (seen: number, refused: BlobStoreError) =>
      lock.withPermits(1)(Effect.suspend(() =>
        state.generation !== seen ? Effect.void : refusedUrl(file, refused).pipe(
          Effect.andThen(openFromFile(file, open, state.url)),
          Effect.map((next) => void (state = { ...next, generation: seen + 1 }))
        )
      ))
    const retried = <A>(use: (container: Container) => Effect.Effect<A, BlobStoreError>) =>
      Effect.gen(function*() {
        for (let attempt = 0;; attempt++) {
          const { container, generation } = state
          const result = yield* Effect.result(use(container))
          if (result._tag === "Success") return result.success
          if (result.failure.reason !== "AuthenticationFailed" || attempt >= 5) return yield* result.failure
          yield* refresh(generation, result.failure)
        }
      })
    return {
      id: state.container.id,
      write: state.container.write,
      putBlob: (path, body, options) => retried((c) => c.putBlob(path, body, options)),
      getBlob: (path) => retried((c) => c.getBlob(path)),
      headBlob: (path) => retried((c) => c.headBlob(path))
    } satisfies Container
  })

// ---- the commands ---------------------------------------------------------------------------------------------------

/** Runs a transfer until it ends or SIGTERM/SIGINT (the pod is stopping) interrupts it; failures are Tyger's FTL. */
const transfer = <E>(run: Effect.Effect<void, E>, failure: string) =>
  Effect.raceFirst(run, Effect.andThen(interrupted, Effect.andThen(Effect.logWarning("Canceling..."), Effect.fail(new Canceled())))).pipe(
    Effect.catch(fatalWith(failure))
  )

const accessFailed = (error: BlobStoreError) => fatalWith("Unable to access buffer")(fromBlobStoreError("access")(error))

const input = Effect.fnUntraced(function*(urlFile: string, pipe: string, open: Open, gone: Latch) {
  // Main may end before the URL is bound: then nothing will ever read the pipe.
  const container = yield* Effect.raceFirst(
    Effect.map(refreshing(urlFile, open), (c): Container | undefined => c).pipe(Effect.catch(accessFailed)),
    Effect.as(Effect.promise(() => gone.promise), undefined)
  )
  const probe = container === undefined ? undefined : yield* Effect.tryPromise({
    try: () => waitForReader(pipe, gone),
    catch: (cause) => `open ${pipe}: ${messageOf(cause)}`
  }).pipe(Effect.catch((error) => fatal("Unable to open output file for writing", error)))
  if (container === undefined || probe === undefined) return yield* Effect.logWarning("OpenFile operation canceled. Exiting.")
  yield* unblockWhenGone(pipe, O_RDONLY, gone)
  // The probe keeps a writer on the pipe until the sink has written everything; main sees end-of-file after both.
  yield* transfer(BufferReader.read(container, BufferReader.toFile(pipe)), "Failed to read buffer").pipe(
    Effect.ensuring(Effect.sync(() => Fs.closeSync(probe)))
  )
}, Effect.scoped)

const output = Effect.fnUntraced(function*(urlFile: string, pipe: string, open: Open, gone: Latch) {
  const container = yield* refreshing(urlFile, open).pipe(Effect.catch(accessFailed))
  // The reading thread waits in open(2) until main opens its end. If main ends without ever opening it, the
  // unblocking writer gives that open an empty pipe: the buffer is written empty and complete, as Tyger does.
  yield* unblockWhenGone(pipe, O_WRONLY, gone)
  yield* transfer(BufferWriter.write(container, BufferWriter.fromFile(pipe)), "Failed to write buffer")
}, Effect.scoped)

const hostPort = (address: string) => {
  const [, host = "", port = 0] = /^(.*):(\d{1,5})$/.exec(address) ?? []
  return host === "" || +port < 1 || +port > 65535 ? undefined : { host: host.replace(/^\[(.*)\]$/, "$1"), port: +port }
}

const dial = (host: string, port: number) =>
  Effect.callback<Net.Socket, string>((resume) => {
    // Half-open: main may finish answering before our input has all been sent, or the other way round.
    const socket = Net.connect({ host, port, allowHalfOpen: true })
    socket.once("connect", () => resume(Effect.succeed(socket)))
    socket.once("error", (error) => resume(Effect.fail(messageOf(error))))
    return Effect.sync(() => socket.destroy())
  })

const pump = async (socket: Net.Socket, input: string | undefined, output: string | undefined) => {
  const toSocket = async () => {
    if (input !== undefined) {
      for await (const chunk of Fs.createReadStream(input)) {
        if (!socket.write(chunk)) await new Promise((resolve) => socket.once("drain", () => resolve(undefined)))
      }
    }
    socket.end()
  }
  const fromSocket = async () => {
    const sink = output === undefined ? undefined : Fs.createWriteStream(output)
    for await (const chunk of socket) {
      if (sink !== undefined && !sink.write(chunk)) await new Promise((resolve) => sink.once("drain", () => resolve(undefined)))
    }
    if (sink !== undefined) await new Promise<void>((resolve, reject) => sink.once("error", reject).end(() => resolve()))
  }
  try {
    await Promise.all([toSocket(), fromSocket()])
  } finally {
    socket.destroy()
  }
}

/** Tyger's socket-adapt: dials main's port (retrying every second), then input FIFO → socket and socket → output FIFO. */
const socketAdapt = Effect.fnUntraced(function*(address: string, input: string | undefined, output: string | undefined) {
  const target = hostPort(address)
  if (target === undefined) return yield* invalidArguments(`invalid --address ${address}: expected host:port`)
  const giveUp = (yield* Clock.currentTimeMillis) + DIAL_FOR_MILLIS
  let socket: Net.Socket | undefined
  while (socket === undefined) {
    const dialed = yield* Effect.result(dial(target.host, target.port))
    if (dialed._tag === "Success") socket = dialed.success
    else if ((yield* Clock.currentTimeMillis) > giveUp) return yield* fatal("Timeout exceeded. Failed to connect to address.", dialed.failure)
    else {
      yield* Effect.logWarning(`Failed to connect to address ${address} (${dialed.failure}). Retrying in 1 second`)
      yield* Effect.sleep("1 second")
    }
  }
  yield* Effect.logInfo(`Connected to address ${address}`)
  const connected = socket
  yield* Effect.tryPromise({ try: () => pump(connected, input, output), catch: messageOf }).pipe(
    Effect.catch((error) => fatal("Failed to copy between the socket and the pipes", error))
  )
})

const DIRECTIONS = ["input", "output", "socket"] as const

export const sidecar = Effect.fn("buffer.sidecar")(function*(args: SidecarInput) {
  const [direction, ...extra] = args.positionals
  if (direction === undefined || extra.length > 0 || !DIRECTIONS.some((d) => d === direction)) {
    return yield* invalidArguments(`expected one of ${DIRECTIONS.join(", ")}, got [${args.positionals.join(" ")}]`)
  }
  // An empty flag is an absent one (cobra's string flags default to "").
  const path = (file: string | undefined) => (file === undefined || file === "" ? undefined : Path.resolve(args.cwd, file))
  if (direction === "socket") {
    if (path(args.address) === undefined) return yield* invalidArguments(`required flag(s) "address" not set`)
    return yield* socketAdapt(args.address!, path(args.input), path(args.output))
  }
  const [urlFile, pipe, tombstone] = [path(args.urlFile), path(args.pipe), path(args.tombstone)]
  const missing = [["pipe", pipe], ["url-file", urlFile]].filter(([, v]) => v === undefined).map(([name]) => `"${name}"`)
  if (missing.length > 0) return yield* invalidArguments(`required flag(s) ${missing.join(", ")} not set`)
  const k8s = [["namespace", args.namespace], ["pod", args.pod], ["container", args.container]] as const
  const unset = k8s.filter(([, v]) => v === undefined || v === "").map(([name]) => name)
  if (unset.length > 0 && unset.length < k8s.length) {
    return yield* invalidArguments(
      `if any flags in the group [namespace pod container] are set they must all be set; missing [${unset.join(" ")}]`
    )
  }
  if (unset.length === 0 && tombstone !== undefined) {
    return yield* invalidArguments("--tombstone cannot be combined with --namespace, --pod and --container")
  }
  const gone = new Latch()
  const watch = tombstone !== undefined
    ? watchTombstone(tombstone)
    : unset.length === 0
    ? watchPod(args.env, args.namespace!, args.pod!, args.container!)
    : Effect.never
  yield* Effect.forkScoped(Effect.andThen(watch, Effect.sync(() => gone.open())))
  const open = opener(path(args.dataDir) ?? path(DataDir.resolveDataDir(args.env)))
  yield* (direction === "input" ? input : output)(urlFile!, pipe!, open, gone)
}, Effect.scoped)
