import { Deferred, Effect, Fiber } from "effect"
import * as Path from "node:path"
import type { Observation, ProviderError, RunRequest } from "../../engine/Provider.ts"
import * as RunDocument from "../../engine/RunDocument.ts"
import { DockerClient } from "./DockerClient.ts"
import * as Pumps from "./DockerPumps.ts"
import { createContainer, createPipes, type CreatorOptions, fromDocker } from "./DockerRunCreator.ts"
import { epochMillis, exitObservation, oomKilled } from "./DockerRunReader.ts"
import * as Fifo from "./internal/fifo.ts"
import * as Naming from "./internal/naming.ts"

/**
 * Runs one run to its end inside its monitor: pipes, pumps, the main container, and the outcome.
 *
 * - Running is reported once the container has started (`startedAt` = its StartedAt).
 * - When the program exits, inputs stop (nothing reads them any more) and outputs are drained: an output buffer is
 *   completed only if the program succeeded (its pipe's end-of-file waits for the exit code), so Succeeded is reported
 *   after every output buffer is complete, and a failed program leaves failed output buffers.
 * - A pump that fails fails the run: the program is killed first, so a broken input never reaches it as a clean
 *   end-of-file.
 * - Interrupted (cancel, timeout, exec interrupted): the program is killed and the pumps stop, failing their buffers.
 */
export const supervise = (options: CreatorOptions) =>
  Effect.fn("DockerProvider.supervise")(function*(
    request: RunRequest,
    report: (observation: Observation) => Effect.Effect<void>
  ) {
    const docker = yield* DockerClient
    const runId = request.runId
    const parameters = RunDocument.parameters(request.plan, request.run)
    const pipes = yield* createPipes(options.dataDir, runId, parameters.map((p) => p.name))
    const pipeOf = (parameter: string) => Path.join(pipes, Naming.pipeFile(parameter))

    const gone = new Fifo.Latch()
    let settle: (succeeded: boolean) => void = () => {}
    const succeeded = new Promise<boolean>((resolve) => (settle = resolve))
    const release = Effect.sync(() => {
      settle(false)
      gone.open()
    })

    const body = Effect.gen(function*() {
      const failure = yield* Deferred.make<ProviderError>()
      const recordFailure = Effect.catch((error: ProviderError) => Deferred.succeed(failure, error).pipe(Effect.asVoid))

      const outputs = yield* Effect.forEach(parameters.filter((p) => p.direction === "output"), ({ name }) =>
        Effect.map(Pumps.openOutput(pipeOf(name), gone, succeeded), (reader) => ({ name, reader })))
      // The pumps close their pipes; this covers a run that ends before its pumps started (a failed create).
      yield* Effect.addFinalizer(() => Effect.promise(() => Promise.all(outputs.map((o) => o.reader.close()))))
      const containerId = yield* createContainer(request, options)
      const kill = docker.killContainer(containerId).pipe(Effect.ignore)

      const inputFibers = yield* Effect.forEach(parameters.filter((p) => p.direction === "input"), ({ name }) =>
        Effect.forkScoped(recordFailure(Pumps.input({
          parameter: name,
          bufferId: request.buffers[name]!,
          path: pipeOf(name),
          gone,
          feed: request.local?.inputs[name]
        }))))
      const outputFibers = yield* Effect.forEach(outputs, ({ name, reader }) =>
        Effect.forkScoped(recordFailure(Pumps.output({
          parameter: name,
          bufferId: request.buffers[name]!,
          reader,
          tap: request.local?.outputs[name]
        }))))

      const ended = (observation: Observation) =>
        Effect.gen(function*() {
          settle(observation.status === "Succeeded")
          gone.open()
          yield* Fiber.interruptAll(inputFibers)
          yield* Fiber.awaitAll(outputFibers)
          // An output pump may have failed while draining: a run whose outputs are not all written did not succeed.
          if (observation.status === "Succeeded" && (yield* Deferred.isDone(failure))) {
            const error = yield* Deferred.await(failure)
            return { status: "Failed", statusReason: error.message, finishedAt: Date.now() } satisfies Observation
          }
          return observation
        })

      // Waiting is set up before the start, as the docker CLI does: no round trip after a short program exits.
      const waiting = yield* Effect.forkScoped(Effect.result(docker.waitContainer(containerId, { condition: "next-exit" })))
      const started = yield* Effect.result(Effect.mapError(docker.startContainer(containerId), fromDocker))
      if (started._tag === "Failure") {
        return yield* ended({ status: "Failed", statusReason: started.failure.message, finishedAt: Date.now() })
      }
      const inspected = yield* Effect.mapError(docker.inspectContainer(containerId), fromDocker)
      const startedAt = epochMillis(inspected.State.StartedAt)
      yield* report({ status: "Running", ...(startedAt === undefined ? {} : { startedAt }) })

      const exited = Fiber.join(waiting).pipe(
        // The early wait may have failed (the engine restarted, say): a plain wait returns at once if it has exited.
        Effect.flatMap((result) => result._tag === "Success" ? Effect.void : Effect.asVoid(docker.waitContainer(containerId))),
        Effect.andThen(docker.inspectContainer(containerId)),
        Effect.flatMap((container) =>
          Effect.map(oomKilled(containerId, container.State), (oom) => exitObservation({ ...container.State, OOMKilled: oom }))),
        Effect.mapError(fromDocker)
      )
      const outcome = yield* Effect.raceFirst(
        Effect.map(exited, (observation) => ({ _tag: "Exited" as const, observation })),
        Effect.map(Deferred.await(failure), (error) => ({ _tag: "PumpFailed" as const, error }))
      )
      // Docker stamps StartedAt when the start returns, so a program that ends at once may "finish" before it "started".
      const clamp = (o: Observation): Observation =>
        startedAt !== undefined && o.finishedAt !== undefined && o.finishedAt < startedAt ? { ...o, finishedAt: startedAt } : o
      if (outcome._tag === "Exited") return yield* ended(clamp(outcome.observation))
      yield* kill
      return yield* ended({ status: "Failed", statusReason: outcome.error.message, finishedAt: Date.now() })
    })

    return yield* body.pipe(
      Effect.onInterrupt(() =>
        Effect.flatMap(release, () =>
          Effect.ignore(docker.listContainers({ all: true, filters: Naming.runFilter(options.instance, runId) }).pipe(
            Effect.flatMap((containers) =>
              Effect.forEach(containers, (c) => Effect.ignore(docker.killContainer(c.Id)), { concurrency: "unbounded" }))
          )))
      ),
      // Pumps still running are interrupted when the scope closes: by then the pipes are released.
      Effect.ensuring(release),
      Effect.scoped
    )
  })
