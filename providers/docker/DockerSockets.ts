import { Effect } from "effect"
import type { ByteSource } from "../../engine/buffers/ByteStream.ts"
import type { Latch } from "../../engine/pipes/Latch.ts"
import type { ProviderError } from "../../engine/runs/Provider.ts"
import type * as CodespecDocument from "../../model/CodespecDocument.ts"
import type { InputTarget } from "./DockerPumps.ts"
import { providerError } from "./DockerRunCreator.ts"
import type { ContainerInspect } from "./internal/Schemas.ts"
import * as SinkSource from "./internal/SinkSource.ts"
import * as SocketAdapter from "./internal/SocketAdapter.ts"

/**
 * The sockets of one job replica (`sockets: [{port, inputBuffer?, outputBuffer?}]`): what Tyger's socket sidecars do,
 * done by the monitor with SocketAdapter.
 *
 * - A socket's buffers have no pipe: the input pump writes into the socket (`inputOf`), and the output pump reads
 *   what the program sends (`sourceOf`, a SinkSource between the adapter's sink and the buffer writer). So exec's
 *   tees and ephemeral relays work unchanged, and an output buffer is complete when the connection ends, as in
 *   Tyger, and failed if its adapter fails.
 * - The pumps exist before the container starts, the adapters only after (they dial the container's address, known
 *   from the inspect after the start): until `start`, the inputs wait for their adapter.
 * - `stop` (cancel, timeout, a run that ended otherwise) stops the adapters, fails the outputs not yet ended and the
 *   inputs still waiting for an adapter.
 */

/** How long a program that exited 0 leaves its connections to end before they are stopped. */
const EXIT_GRACE_MILLIS = 10_000

export interface ReplicaSockets {
  /** Whether the codespec declares any socket. */
  readonly any: boolean
  /** The destination of a socket's input parameter, or undefined for a piped one. */
  readonly inputOf: (parameter: string) => InputTarget | undefined
  /** What a socket's output parameter receives, or undefined for a piped one. */
  readonly sourceOf: (parameter: string) => ByteSource | undefined
  /** Starts dialling the started container; its adapters' failures go to `failed`. */
  readonly start: (container: ContainerInspect) => Effect.Effect<void>
  /** Waits for every adapter to end well; fails with the first failure. */
  readonly done: Effect.Effect<void, ProviderError>
  /** Waits (bounded) for the adapters to settle once the program exited well, then stops what is left. */
  readonly drain: Effect.Effect<void>
  readonly stop: (cause: unknown) => void
}

/** The container's address: on its network (a distributed run's, or the default bridge). */
export const addressOf = (container: ContainerInspect): string | undefined => {
  const settings = container.NetworkSettings
  const onNetwork = Object.values(settings?.Networks ?? {}).map((n) => n.IPAddress).find((ip) => ip !== undefined && ip !== null && ip !== "")
  return onNetwork ?? (settings?.IPAddress === null || settings?.IPAddress === "" ? undefined : settings?.IPAddress)
}

const adapterFailed = (port: number, error: unknown): ProviderError =>
  providerError("Unknown", `The socket adapter of port ${port} failed: ${error instanceof Error ? error.message : String(error)}`, error)

export const make = (
  spec: CodespecDocument.Spec,
  gone: Latch,
  failed: (error: ProviderError) => Effect.Effect<void>
): ReplicaSockets => {
  const sockets = spec.sockets ?? []
  const outputs = new Map(sockets.flatMap((s) => (s.outputBuffer ? [[s.outputBuffer, SinkSource.make()] as const] : [])))
  const adapters: Array<{ readonly port: number; readonly adapter: SocketAdapter.SocketAdapter }> = []
  let stopped: { readonly cause: unknown } | undefined
  let started!: (adapters: ReadonlyMap<string, SocketAdapter.SocketInput>) => void
  let refused!: (error: unknown) => void
  const inputsReady = new Promise<ReadonlyMap<string, SocketAdapter.SocketInput>>((resolve, reject) => {
    started = resolve
    refused = reject
  })
  inputsReady.catch(() => undefined)

  const inputOf = (parameter: string): InputTarget | undefined => {
    if (!sockets.some((s) => s.inputBuffer === parameter)) return undefined
    const target = () => inputsReady.then((inputs) => inputs.get(parameter)!)
    return {
      write: async (chunk) => (await target()).write(chunk),
      end: async () => (await target()).end(),
      abort: (cause) => void target().then((input) => input.abort(cause), () => undefined)
    }
  }

  const stop = (cause: unknown) => {
    stopped ??= { cause }
    refused(new SocketAdapter.SocketAdapterError("Stopped", "The socket adapter was stopped", cause))
    for (const { adapter } of adapters) adapter.stop(cause)
    for (const output of outputs.values()) output.fail(new SocketAdapter.SocketAdapterError("Stopped", "The socket adapter was stopped", cause))
  }

  const start = (container: ContainerInspect) =>
    Effect.suspend(() => {
      if (stopped !== undefined || sockets.length === 0) return Effect.void
      const host = addressOf(container)
      if (host === undefined) {
        const error = providerError("Unknown", `The container ${container.Name} has no address to reach its sockets at`)
        stop(error)
        return failed(error)
      }
      const inputs = new Map<string, SocketAdapter.SocketInput>()
      for (const socket of sockets) {
        const output = socket.outputBuffer ? outputs.get(socket.outputBuffer) : undefined
        const adapter = SocketAdapter.adapt({ host, port: socket.port, input: !!socket.inputBuffer, output: output?.sink, gone })
        adapters.push({ port: socket.port, adapter })
        if (socket.inputBuffer && adapter.input !== undefined) inputs.set(socket.inputBuffer, adapter.input)
        // A failed adapter fails its output: the buffer writer then records a failed buffer, never a short one.
        adapter.done.catch((error) => output?.fail(error))
      }
      started(inputs)
      return Effect.forEach(adapters, ({ adapter, port }) =>
        Effect.forkDetach(Effect.tryPromise({ try: () => adapter.done, catch: (error) => adapterFailed(port, error) }).pipe(
          Effect.catch(failed)
        )), { discard: true })
    })

  // The adapters of the start, whenever this runs.
  const done = Effect.suspend(() =>
    Effect.forEach(adapters, ({ adapter, port }) =>
      Effect.tryPromise({ try: () => adapter.done, catch: (error) => adapterFailed(port, error) }), { discard: true })
  )

  const drain = Effect.promise(() => {
    const all = Promise.allSettled(adapters.map((a) => a.adapter.done))
    let timer: ReturnType<typeof setTimeout> | undefined
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, EXIT_GRACE_MILLIS)))
    return Promise.race([all, grace]).finally(() => clearTimeout(timer))
  }).pipe(Effect.andThen(Effect.sync(() => stop(new Error("the program has exited")))))

  return {
    any: sockets.length > 0,
    inputOf,
    sourceOf: (parameter) => outputs.get(parameter)?.source,
    start,
    done,
    drain,
    stop
  }
}
