import { Deferred, type Duration, Effect, Fiber, Result } from "effect"
import * as Path from "node:path"
import * as EphemeralBuffers from "../../engine/buffers/EphemeralBuffers.ts"
import * as EphemeralRelay from "../../engine/buffers/EphemeralRelay.ts"
import type { RelayServer } from "../../engine/buffers/EphemeralRelay.ts"
import type { Observation, ProviderError, RunRequest } from "../../engine/runs/Provider.ts"
import * as RunDocumentFromPlan from "../../engine/runs/RunDocumentFromPlan.ts"
import { type ContainerWait, DockerClient } from "./DockerClient.ts"
import type { DockerError } from "./DockerError.ts"
import * as Pumps from "./DockerPumps.ts"
import {
  createContainer,
  createPipes,
  type CreatorOptions,
  fromDocker,
  jobCodespec,
  type JobPlacement,
  pipedParameters,
  providerError
} from "./DockerRunCreator.ts"
import { epochMillis, exitObservation, oomKilled } from "./DockerRunReader.ts"
import * as DockerRunStop from "./DockerRunStop.ts"
import * as DockerSockets from "./DockerSockets.ts"
import * as DockerWorkers from "./DockerWorkers.ts"
import * as Fifo from "./internal/Fifo.ts"
import * as Naming from "./internal/Naming.ts"
import type { ContainerInspect } from "./internal/Schemas.ts"

/**
 * Runs one run to its end inside its monitor: workers (a distributed run), pipes, pumps, the job's containers, and
 * the outcome.
 *
 * - A distributed run's workers start first; the job's containers start once every worker endpoint accepts
 *   connections, and the workers are stopped as soon as the job has ended, however it ended.
 * - Running is reported once the job's containers have started (`startedAt` = the earliest StartedAt).
 * - When a job container exits, its inputs stop (nothing reads them any more) and its outputs are drained: an output
 *   buffer is completed only if the program succeeded (its pipe's end-of-file waits for the exit code), so Succeeded is
 *   reported after every output buffer is complete, and a failed program leaves failed output buffers.
 * - A pump that fails fails the run: the program is killed first, so a broken input never reaches it as a clean
 *   end-of-file.
 * - With several job replicas (each with its own pipes, each reading every input buffer), all must succeed; the first
 *   failure fails the run and stops the other replicas.
 * - Interrupted (cancel, timeout, exec interrupted): the containers are killed and the pumps stop, failing their
 *   buffers.
 * - Sockets (DockerSockets): a socket's buffers are pumped to and from the adapter dialling the started container, not
 *   through pipes. As Tyger's socket runs, a replica with sockets is done once its adapters and pumps all ended well,
 *   even if the program still runs (it is then killed); a failed adapter fails it as a failed pump does; a program
 *   that exits non-zero fails it; one that exits 0 leaves its connections a short while to end. A codespec mixing
 *   sockets and pipes ends when its program exits, since a pipe's end waits for the program's exit code.
 */

interface Replica {
  readonly containerId: string
  /** The container's exit, from a wait the engine registered before the start. */
  readonly waiting: Effect.Effect<ContainerWait, DockerError>
  readonly failure: Deferred.Deferred<ProviderError>
  /** Settles the replica's pipes and pumps for an outcome, which may turn into a failure if an output was lost. */
  readonly ended: (observation: Observation) => Effect.Effect<Observation>
  /** Starts the socket adapters once the container has started. */
  readonly started: (container: ContainerInspect) => Effect.Effect<void>
  /** With sockets: every adapter and pump ended well (the program may still run). */
  readonly finished: Effect.Effect<void, ProviderError> | undefined
}

export interface SupervisorOptions extends CreatorOptions {
  /** How long a distributed run's job waits for its workers' endpoints before the run fails. */
  readonly workerReadyTimeout: Duration.Duration
}

export const supervise = (options: SupervisorOptions) =>
  Effect.fn("DockerProvider.supervise")(function*(
    request: RunRequest,
    report: (observation: Observation) => Effect.Effect<void>
  ) {
    const docker = yield* DockerClient
    const runId = request.runId
    const replicas = request.run.job.replicas
    const parameters = RunDocumentFromPlan.parameters(request.plan, request.run)
    const ephemeral = (parameter: string) => request.run.job.buffers[parameter]?.kind === "ephemeral"
    /** The relay of ephemeral buffer `id`, listening until the run's scope closes. */
    const relay = (id: string, direction: "input" | "output") =>
      Effect.acquireRelease(
        Effect.tryPromise({
          try: async () => {
            const uid = EphemeralBuffers.parse(id)?.uid ?? id
            const key = await EphemeralBuffers.signingKey(options.dataDir)
            return EphemeralRelay.listen({ socket: EphemeralBuffers.socketPath(options.dataDir, uid), uid, direction, key })
          },
          catch: (cause) => providerError("Unknown", `Failed to start the relay of buffer '${id}': ${String(cause)}`, cause)
        }),
        (server) => Effect.promise(() => server.close())
      )
    // A socket's buffers have no pipe (DockerSockets).
    const pipeDirs = yield* createPipes(options.dataDir, runId, pipedParameters(request), replicas)
    // Each replica's "its program can no longer open its pipes", registered as soon as its pipes are in use.
    const releases: Array<Effect.Effect<void>> = []
    const releaseAll = Effect.suspend(() => Effect.all(releases, { discard: true }))

    /** Pipes, pumps and the (created, not started) container of one job replica. */
    const prepare = (placement: JobPlacement) =>
      Effect.gen(function*() {
        const pipeOf = (parameter: string) => Path.join(pipeDirs[placement.replica]!, Naming.pipeFile(parameter))
        // exec's streams belong to one program: further replicas read their inputs from the buffers.
        const local = placement.replica === 0 ? request.local : undefined
        const gone = new Fifo.Latch()
        let settle: (succeeded: boolean) => void = () => {}
        const succeeded = new Promise<boolean>((resolve) => (settle = resolve))
        const failure = yield* Deferred.make<ProviderError>()
        const fail = (error: ProviderError) => Deferred.succeed(failure, error).pipe(Effect.asVoid)
        const recordFailure = Effect.catch(fail)
        const sockets = DockerSockets.make(jobCodespec(request).spec, gone, fail)
        const release = Effect.sync(() => {
          settle(false)
          gone.open()
          sockets.stop(new Error("the run was stopped"))
        })
        releases.push(release)

        const outputs = yield* Effect.forEach(parameters.filter((p) => p.direction === "output"), ({ name }) => {
          const socket = sockets.sourceOf(name)
          return socket !== undefined
            ? Effect.succeed({ name, reader: socket })
            : Effect.map(Pumps.openOutput(pipeOf(name), gone, succeeded), (reader) => ({ name, reader }))
        })
        // The pumps close their pipes; this covers a run that ends before its pumps started (a failed create).
        yield* Effect.addFinalizer(() => Effect.promise(() => Promise.all(outputs.map((o) => o.reader.close()))))
        // Ephemeral buffers (`_`) not streamed by exec are served to one other process by a relay of their own.
        const relays = new Map<string, RelayServer>()
        for (const { name, direction } of parameters) {
          if (ephemeral(name) && local === undefined) relays.set(name, yield* relay(request.buffers[name]!, direction))
        }
        const containerId = yield* createContainer(request, options, placement)

        const inputFibers = yield* Effect.forEach(parameters.filter((p) => p.direction === "input"), ({ name }) => {
          const relayed = relays.get(name)
          return Effect.forkScoped(recordFailure(Pumps.input({
            parameter: name,
            bufferId: request.buffers[name]!,
            path: pipeOf(name),
            gone,
            target: sockets.inputOf(name),
            feed: local?.inputs[name] ?? (relayed === undefined ? undefined : { drainTo: relayed.receive, discard: relayed.discard })
          })))
        })
        const outputFibers = yield* Effect.forEach(outputs, ({ name, reader }) => {
          const tap = local?.outputs[name]
          const relayed = relays.get(name)
          return Effect.forkScoped(recordFailure(
            !ephemeral(name)
              ? Pumps.output({ parameter: name, bufferId: request.buffers[name]!, reader, tap })
              : Pumps.ephemeralOutput({
                parameter: name,
                reader,
                deliver: (source) => (tap !== undefined ? Pumps.copy(source, tap) : relayed!.send(source))
              })
          ))
        })

        const ended = (observation: Observation) =>
          Effect.gen(function*() {
            settle(observation.status === "Succeeded")
            gone.open()
            // A program that exited well may have sent its last bytes just before: its connections end on their own.
            if (observation.status === "Succeeded") yield* sockets.drain
            sockets.stop(new Error(`the run is ${observation.status}`))
            yield* Fiber.interruptAll(inputFibers)
            yield* Fiber.awaitAll(outputFibers)
            // An output pump may have failed while draining: a run whose outputs are not all written did not succeed.
            if (observation.status === "Succeeded" && (yield* Deferred.isDone(failure))) {
              const error = yield* Deferred.await(failure)
              return { status: "Failed", statusReason: error.message, finishedAt: Date.now() } satisfies Observation
            }
            return observation
          })

        const finished = !sockets.any ? undefined : Effect.andThen(
          sockets.done,
          Effect.andThen(Fiber.awaitAll(inputFibers), Fiber.awaitAll(outputFibers))
        )
        const waiting = yield* Effect.mapError(docker.registerWait(containerId, { condition: "next-exit" }), fromDocker)
        return { containerId, waiting, failure, ended, started: sockets.start, finished } satisfies Replica
      })

    /** One replica from its start to its end. */
    const outcomeOf = (replica: Replica, startedAt: number | undefined) => {
      const exited = Effect.result(replica.waiting).pipe(
        // The early wait may have failed (the engine restarted, say): a plain wait returns at once if it has exited.
        Effect.flatMap((result) =>
          result._tag === "Success" ? Effect.void : Effect.asVoid(docker.waitContainer(replica.containerId))),
        Effect.andThen(docker.inspectContainer(replica.containerId)),
        Effect.flatMap((container) =>
          Effect.map(oomKilled(container), (oom) => exitObservation({ ...container.State, OOMKilled: oom }))),
        Effect.mapError(fromDocker)
      )
      // Docker stamps StartedAt when the start returns, so a program that ends at once may "finish" before it "started".
      const clamp = (o: Observation): Observation =>
        startedAt !== undefined && o.finishedAt !== undefined && o.finishedAt < startedAt ? { ...o, finishedAt: startedAt } : o
      const finished = replica.finished
      return Effect.raceAllFirst([
        Effect.map(exited, (observation) => ({ _tag: "Exited" as const, observation })),
        Effect.map(Deferred.await(replica.failure), (error) => ({ _tag: "PumpFailed" as const, error })),
        ...(finished === undefined ? [] : [
          finished.pipe(
            Effect.as({ _tag: "SocketsDone" as const }),
            Effect.catch((error) => Effect.succeed({ _tag: "PumpFailed" as const, error }))
          )
        ])
      ]).pipe(Effect.flatMap((outcome) =>
        outcome._tag === "Exited"
          ? replica.ended(clamp(outcome.observation))
          : Effect.andThen(
            docker.killContainer(replica.containerId).pipe(Effect.ignore),
            replica.ended(
              outcome._tag === "PumpFailed"
                ? { status: "Failed", statusReason: outcome.error.message, finishedAt: Date.now() }
                : { status: "Succeeded", finishedAt: Date.now() }
            )
          )
      ))
    }

    const body = Effect.gen(function*() {
      const workers = request.run.worker === undefined
        ? undefined
        : yield* DockerWorkers.start(request, options, options.workerReadyTimeout)
      const prepared: Array<Replica> = []
      for (let replica = 0; replica < replicas; replica++) {
        prepared.push(yield* prepare({ replica, ...(workers === undefined ? {} : { workers }) }))
      }
      const killJobs = Effect.forEach(prepared, (r) => Effect.ignore(docker.killContainer(r.containerId)), {
        concurrency: "unbounded",
        discard: true
      })
      const endAll = (observation: Observation) =>
        Effect.map(Effect.forEach(prepared, (r) => r.ended(observation), { concurrency: "unbounded" }), () => observation)

      const starts = yield* Effect.forEach(prepared, (r) => Effect.result(Effect.mapError(docker.startContainer(r.containerId), fromDocker)), {
        concurrency: "unbounded"
      })
      const refused = starts.find(Result.isFailure)
      if (refused !== undefined) {
        yield* killJobs
        return yield* endAll({ status: "Failed", statusReason: refused.failure.message, finishedAt: Date.now() })
      }
      const inspected = yield* Effect.forEach(prepared, (r) => Effect.mapError(docker.inspectContainer(r.containerId), fromDocker), {
        concurrency: "unbounded"
      })
      yield* Effect.forEach(prepared, (r, i) => r.started(inspected[i]!), { discard: true })
      const startTimes = inspected.flatMap((c) => {
        const at = epochMillis(c.State.StartedAt)
        return at === undefined ? [] : [at]
      })
      const startedAt = startTimes.length === 0 ? undefined : Math.min(...startTimes)
      yield* report({ status: "Running", ...(startedAt === undefined ? {} : { startedAt }) })

      // The first failure is the run's; it stops the other replicas, whose own endings then say nothing new.
      let first: Observation | undefined
      const outcomes = yield* Effect.forEach(prepared, (r) =>
        Effect.tap(outcomeOf(r, startedAt), (o) => {
          if (o.status === "Succeeded" || first !== undefined) return Effect.void
          first = o
          return killJobs
        }), { concurrency: "unbounded" })
      if (first !== undefined) return first
      const finishedAt = Math.max(...outcomes.map((o) => o.finishedAt ?? Date.now()))
      return { status: "Succeeded", finishedAt } satisfies Observation
    })

    return yield* body.pipe(
      Effect.onInterrupt(() => Effect.andThen(releaseAll, Effect.ignore(DockerRunStop.stop(options.instance, runId)))),
      // Workers serve until the job has ended, however it ended; they are removed with the run when it is finalised.
      Effect.ensuring(request.run.worker === undefined ? Effect.void : Effect.ignore(DockerWorkers.stop(options, runId))),
      // Pumps still running are interrupted when the scope closes: by then the pipes are released.
      Effect.ensuring(releaseAll),
      Effect.scoped
    )
  })
