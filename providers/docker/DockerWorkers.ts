import { Clock, Duration, Effect, Stream } from "effect"
import * as Expand from "../../model/Expand.ts"
import * as Plan from "../../engine/plan/Plan.ts"
import type { RunRequest } from "../../engine/runs/Provider.ts"
import * as TcpProbe from "../../engine/runs/TcpProbe.ts"
import * as WorkerTopology from "../../engine/plan/WorkerTopology.ts"
import { type ContainerSpec, DockerClient } from "./DockerClient.ts"
import { createNamed, type CreatorOptions, fromDocker, hostResources, program, providerError, replicasOf } from "./DockerRunCreator.ts"
import * as DockerRunStop from "./DockerRunStop.ts"
import * as Naming from "./internal/Naming.ts"

/**
 * A distributed run's workers on one Docker engine, with the contract Tyger gives them on Kubernetes: a network of the
 * run's own where each worker has a stable host name (`run-<id>-worker-<i>`), workers that serve until the job ends
 * (restarted if they exit, as a StatefulSet's pods are), and a job that starts only once every worker runs and every
 * endpoint of every worker accepts a TCP connection.
 *
 * Readiness is probed from this host to each worker's address on the run's bridge network, which a Linux host reaches
 * directly; an engine elsewhere (a remote DOCKER_HOST, a VM-based desktop engine) would need the probe inside the
 * network.
 */

/** How long the job waits for its workers by default: long enough for a worker that loads a model first. */
export const DEFAULT_READY_TIMEOUT = Duration.minutes(5)
const POLL = Duration.millis(200)
const ATTEMPT_TIMEOUT_MILLIS = 1_000

export const workerCodespec = (request: Pick<RunRequest, "plan" | "run">): Plan.Codespec =>
  Plan.codespecById(request.plan).get(request.run.worker!.codespec)!

export const topologyOf = (request: Pick<RunRequest, "plan" | "run" | "runId">): WorkerTopology.WorkerTopology => ({
  hosts: Array.from({ length: request.run.worker!.replicas }, (_, i) => Naming.workerHost(request.runId, i)),
  endpoints: WorkerTopology.endpointsOf(workerCodespec(request).spec)
})

/**
 * Worker `index`: the worker codespec's image, command, args and env (expanded with Kubernetes' rules; workers get no
 * buffers), its resources, its host name as hostname and as its name on the run's network.
 */
export const workerSpec = (request: RunRequest, options: CreatorOptions, index: number): ContainerSpec => {
  const { spec } = workerCodespec(request)
  const env = Expand.expandEnvironment(Object.entries(spec.env ?? {}))
  const host = Naming.workerHost(request.runId, index)
  const network = Naming.networkName(options.instance, request.runId)
  return {
    ...program(spec, env),
    Hostname: host,
    Labels: {
      ...options.labels,
      ...Naming.labelsOf(options.instance, request.runId, Naming.roleOf("worker", index, replicasOf(request.run))),
      [Naming.WORKER_LABEL]: String(request.runId)
    },
    HostConfig: { NetworkMode: network, RestartPolicy: { Name: "always" }, ...hostResources(spec) },
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [host] } } }
  }
}

interface Started {
  readonly id: string
  readonly host: string
}

interface NotReady {
  readonly endpoint: readonly [string, number] | undefined
  readonly reason: string
  /** The worker has exited at least once (and may have been restarted since). */
  readonly exited: boolean
  readonly restarts: number
}

/** Why a worker is not ready yet, or undefined when it is. */
const notReady = (worker: Started, network: string, endpoints: WorkerTopology.WorkerTopology["endpoints"], attemptMillis: number) =>
  Effect.gen(function*() {
    const docker = yield* DockerClient
    const inspected = yield* Effect.mapError(docker.inspectContainer(worker.id), fromDocker)
    const state = inspected.State
    const restarts = inspected.RestartCount ?? 0
    const exited = restarts > 0 || state.Status === "exited" || state.Status === "restarting"
    const failure = (endpoint: NotReady["endpoint"], reason: string): NotReady => ({ endpoint, reason, exited, restarts })
    if (!state.Running || state.Status === "restarting") return failure(endpoints[0], "it is not running")
    if (endpoints.length === 0) return undefined
    const ip = inspected.NetworkSettings?.Networks?.[network]?.IPAddress
    if (ip === undefined || ip === null || ip === "") return failure(endpoints[0], "it has no address on the run's network yet")
    for (const endpoint of endpoints) {
      const reason = yield* TcpProbe.probe(ip, endpoint[1], attemptMillis)
      if (reason !== undefined) return failure(endpoint, reason)
    }
    return undefined
  })

/**
 * How the worker last exited: Docker resets `State.ExitCode` to 0 when it restarts a container, so the code is taken
 * from the engine's last `die` event of the container.
 */
const lastExit = (worker: Started, since: number) =>
  Effect.gen(function*() {
    const docker = yield* DockerClient
    const events = yield* docker.events({
      since: new Date(since - 1000),
      until: new Date(),
      filters: { type: ["container"], container: [worker.id], event: ["die"] }
    }).pipe(Stream.runCollect, Effect.orElseSucceed(() => []))
    const code = Array.from(events).at(-1)?.Actor.Attributes?.["exitCode"]
    return code === undefined ? undefined : Number(code)
  })

const describe = (host: string, failure: NotReady, exitCode: number | undefined) => {
  const restarted = failure.restarts > 0 ? ` and was restarted ${failure.restarts} time${failure.restarts === 1 ? "" : "s"}` : ""
  const exited = failure.exited ? `; it exited${exitCode === undefined ? "" : ` with code ${exitCode}`}${restarted}` : ""
  return failure.endpoint === undefined
    ? `worker ${host} (${failure.reason}${exited})`
    : `worker ${host} on endpoint '${failure.endpoint[0]}' (port ${failure.endpoint[1]}): ${failure.reason}${exited}`
}

/** Waits for every worker and endpoint; past `timeout`, fails naming the first worker and endpoint still not ready. */
const awaitReady = (
  workers: ReadonlyArray<Started>,
  network: string,
  endpoints: WorkerTopology.WorkerTopology["endpoints"],
  timeout: Duration.Duration
) =>
  Effect.gen(function*() {
    const started = yield* Clock.currentTimeMillis
    const deadline = started + Duration.toMillis(timeout)
    let pending = workers
    for (;;) {
      const answers = yield* Effect.forEach(pending, (w) => notReady(w, network, endpoints, ATTEMPT_TIMEOUT_MILLIS), {
        concurrency: "unbounded"
      })
      const still = pending.flatMap((w, i) => answers[i] === undefined ? [] : [{ worker: w, failure: answers[i]! }])
      if (still.length === 0) return
      pending = still.map((s) => s.worker)
      if ((yield* Clock.currentTimeMillis) >= deadline) {
        const { worker, failure } = still[0]!
        const exitCode = failure.exited ? yield* lastExit(worker, started) : undefined
        const more = still.length > 1 ? ` (and ${still.length - 1} more worker${still.length === 2 ? "" : "s"})` : ""
        return yield* providerError(
          "Timeout",
          `Timed out after ${Duration.format(timeout)} waiting for ${describe(worker.host, failure, exitCode)}${more}`
        )
      }
      yield* Effect.sleep(POLL)
    }
  })

/**
 * Creates the run's network and workers, starts them, and returns once every endpoint accepts connections: what the
 * job is told. Everything created carries the run's labels, so `remove` finds it whatever happens next.
 */
export const start = Effect.fn("DockerWorkers.start")(function*(
  request: RunRequest,
  options: CreatorOptions,
  timeout: Duration.Duration
) {
  const docker = yield* DockerClient
  const network = Naming.networkName(options.instance, request.runId)
  // Left by an earlier database in this data directory (runs are never restarted).
  yield* docker.removeNetwork(network).pipe(Effect.ignore)
  yield* Effect.mapError(
    docker.createNetwork({ Name: network, Labels: { ...options.labels, ...Naming.runLabels(options.instance, request.runId) } }),
    fromDocker
  )
  const topology = topologyOf(request)
  const workers = yield* Effect.forEach(topology.hosts, (host, index) =>
    Effect.map(
      createNamed(Naming.workerContainerName(options.instance, request.runId, index), workerSpec(request, options, index)),
      (id): Started => ({ id, host })
    ), { concurrency: "unbounded" })
  yield* Effect.forEach(workers, (w) => Effect.mapError(docker.startContainer(w.id), fromDocker), {
    concurrency: "unbounded",
    discard: true
  })
  yield* awaitReady(workers, network, topology.endpoints, timeout)
  return { network, topology }
})

/** Stops the workers once the job has ended; they are removed with the rest of the run when it is finalised. */
export const stop = (options: CreatorOptions, runId: number) =>
  DockerRunStop.stop(options.instance, runId, `${Naming.WORKER_LABEL}=${runId}`)
