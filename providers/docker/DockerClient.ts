// A typed client for the slice of the Docker Engine API the Docker provider uses, over the engine's unix socket with
// node:http (which Node, Bun and Deno all implement). Run data never goes through the attach API: it flows through
// FIFOs bind-mounted into the containers, which is ~20x faster, so attach is deliberately absent.
import process from "node:process"
import { Context, Duration, Effect, Layer, Stream } from "effect"
import { HttpClient } from "effect/http"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { DockerError } from "./DockerError.ts"
import * as Host from "./internal/Host.ts"
import * as ContainerLogs from "./internal/ContainerLogs.ts"
import * as Deadlines from "./internal/Deadlines.ts"
import type * as LogFrames from "./internal/LogFrames.ts"
import * as Ndjson from "./internal/Ndjson.ts"
import * as Pull from "./internal/Pull.ts"
import { type Filters, filtersParam, flag, id, pullQuery, timeParam } from "./internal/Query.ts"
import * as Schemas from "./internal/Schemas.ts"
import * as SocketAgent from "./internal/SocketAgent.ts"
import * as Transport from "./internal/Transport.ts"

export type {
  ContainerCreated,
  ContainerInspect,
  ContainerState,
  ContainerSummary,
  ContainerWait,
  DeviceRequest,
  EndpointSettings,
  Event,
  HostConfig,
  ImageInspect,
  Info,
  NetworkInspect,
  PullProgress,
  Version
} from "./internal/Schemas.ts"
export type { LogLine, LogStream } from "./internal/LogFrames.ts"
export type { LogsOptions } from "./internal/ContainerLogs.ts"
export { type Filters, pullQuery, timeParam } from "./internal/Query.ts"

/** `POST /containers/create` body. TTY, attach and stdin are always off (the client sets them). */
export type ContainerSpec = Omit<
  Schemas.ContainerCreate,
  "Tty" | "AttachStdin" | "AttachStdout" | "AttachStderr" | "OpenStdin"
>

/** Every GPU, as `docker run --gpus all` asks for them. */
export const allGpus: Schemas.DeviceRequest = { Driver: "nvidia", Count: -1, Capabilities: [["gpu"]] }

export interface NetworkSpec {
  readonly Name: string
  /** @default "bridge" */
  readonly Driver?: string
  readonly Labels?: Readonly<Record<string, string>>
  readonly Internal?: boolean
}

export interface DockerClientOptions {
  /** `DOCKER_HOST` as the composition root read it; unset or empty means unix:///var/run/docker.sock. */
  readonly host?: string | undefined
  /**
   * Time limit of connecting to the engine's socket. @default 10 seconds, or `TYGER_TS_DOCKER_TIMEOUT_MS` when that is
   * shorter
   */
  readonly connectTimeout?: Duration.Input
  /**
   * Time limit of the response headers of every call but pulls: plain calls, and waits, log follows and event streams,
   * whose headers the engine sends at once. What stops a hung engine from hanging its caller.
   * @default 30 seconds, or `TYGER_TS_DOCKER_TIMEOUT_MS`
   */
  readonly headersTimeout?: Duration.Input
  /** Time limit of each plain call, body included (not of waits, log follows, event streams or pulls). @default 2 minutes */
  readonly requestTimeout?: Duration.Input
  /**
   * Where `TYGER_TS_DOCKER_TIMEOUT_MS` (milliseconds) is read, for the deadlines these options leave unset: read here,
   * not only by a composition root, so that the CLI, its detached run monitors and any program on this client honour
   * it alike. @default process.env
   */
  readonly env?: Readonly<Record<string, string | undefined>>
}

export class DockerClient extends Context.Service<DockerClient, {
  /** The engine address in DOCKER_HOST form. */
  readonly host: string
  /** `GET /_ping`: fails with reason "Unavailable" when nothing answers on the socket. */
  readonly ping: Effect.Effect<void, DockerError>
  readonly version: Effect.Effect<Schemas.Version, DockerError>
  /** The API version this client speaks with the engine (negotiated on first use, then fixed). */
  readonly apiVersion: Effect.Effect<string, DockerError>
  readonly info: Effect.Effect<Schemas.Info, DockerError>
  /** Fails with reason "ImageMissing" when the engine does not have the image. */
  readonly inspectImage: (image: string) => Effect.Effect<Schemas.ImageInspect, DockerError>
  /**
   * `POST /images/create`: the engine's progress messages. An error message in the stream, or a refused pull, fails
   * with reason "ImageMissing"; not finishing within `timeout` fails with "Timeout".
   */
  readonly pullImage: (
    image: string,
    options?: { readonly timeout?: Duration.Input }
  ) => Stream.Stream<Schemas.PullProgress, DockerError>
  readonly createContainer: (
    spec: ContainerSpec,
    options?: { readonly name?: string }
  ) => Effect.Effect<Schemas.ContainerCreated, DockerError>
  /** Starting a running container succeeds (the engine answers 304). */
  readonly startContainer: (id: string) => Effect.Effect<void, DockerError>
  /** Blocks until the container is not running (or `condition`); untimed unless `timeout` is given. */
  readonly waitContainer: (id: string, options?: {
    readonly condition?: "not-running" | "next-exit" | "removed"
    readonly timeout?: Duration.Input
  }) => Effect.Effect<Schemas.ContainerWait, DockerError>
  /**
   * A wait the engine has registered: succeeds once the engine has answered with its headers, which it sends as soon
   * as the wait is in place, with the effect that awaits the exit. Registered before a start, `next-exit` cannot miss a
   * program that exits at once (the docker CLI does the same), and no round trip is left after the start.
   */
  readonly registerWait: (id: string, options?: {
    readonly condition?: "not-running" | "next-exit" | "removed"
  }) => Effect.Effect<Effect.Effect<Schemas.ContainerWait, DockerError>, DockerError>
  readonly inspectContainer: (id: string) => Effect.Effect<Schemas.ContainerInspect, DockerError>
  readonly listContainers: (options?: {
    /** Include stopped containers. @default true */
    readonly all?: boolean
    readonly filters?: Filters
  }) => Effect.Effect<ReadonlyArray<Schemas.ContainerSummary>, DockerError>
  /** Fails with reason "Conflict" when the container is not running. */
  readonly killContainer: (id: string, options?: { readonly signal?: string }) => Effect.Effect<void, DockerError>
  readonly removeContainer: (id: string, options?: {
    /** Kill it first if it runs. @default false */
    readonly force?: boolean
    /** Remove its anonymous volumes. @default false */
    readonly volumes?: boolean
  }) => Effect.Effect<void, DockerError>
  /** stdout/stderr lines in the order the engine logged them; with `follow`, ends when the container stops. */
  readonly containerLogs: (id: string, options?: ContainerLogs.LogsOptions) => Stream.Stream<LogFrames.LogLine, DockerError>
  /** `GET /events`: endless unless `until` is given; interrupt the stream to stop. */
  readonly events: (options?: {
    readonly since?: Date | number | string
    readonly until?: Date | number | string
    readonly filters?: Filters
  }) => Stream.Stream<Schemas.Event, DockerError>
  readonly createNetwork: (spec: NetworkSpec) => Effect.Effect<{ readonly Id: string }, DockerError>
  readonly inspectNetwork: (idOrName: string) => Effect.Effect<Schemas.NetworkInspect, DockerError>
  readonly listNetworks: (options?: { readonly filters?: Filters }) => Effect.Effect<
    ReadonlyArray<Schemas.NetworkInspect>,
    DockerError
  >
  readonly removeNetwork: (idOrName: string) => Effect.Effect<void, DockerError>
  readonly connectNetwork: (
    network: string,
    container: string,
    options?: { readonly aliases?: ReadonlyArray<string> }
  ) => Effect.Effect<void, DockerError>
}>()("tyger-ts/providers/docker/DockerClient") {
  /**
   * Building the layer touches nothing: the first call connects (and negotiates the API version). An invalid
   * `TYGER_TS_DOCKER_TIMEOUT_MS` fails every call, as an unusable DOCKER_HOST does.
   */
  static readonly layer = (options: DockerClientOptions = {}): Layer.Layer<DockerClient> => {
    const parsed = Host.parseHost(options.host)
    const resolved = Deadlines.resolve(options, options.env ?? process.env)
    const endpoint: Host.Endpoint = resolved._tag === "Invalid" && parsed._tag === "Unix"
      ? { _tag: "Unsupported", host: parsed.host, message: resolved.message }
      : parsed
    const deadlines = resolved._tag === "Ok" ? resolved.deadlines : Deadlines.defaults
    const agent = endpoint._tag === "Unix"
      ? SocketAgent.layer(endpoint.socketPath, deadlines.connect)
      : NodeHttpClient.layerAgent
    return Layer.effect(DockerClient, make(endpoint, deadlines)).pipe(
      Layer.provide(Layer.provide(NodeHttpClient.layerNodeHttpNoAgent, agent))
    )
  }
}

const make = (endpoint: Host.Endpoint, deadlines: Deadlines.Deadlines) =>
  Effect.gen(function*() {
    const http = Transport.make(endpoint, yield* HttpClient.HttpClient, deadlines)

    const pullImage = (image: string, options?: { readonly timeout?: Duration.Input }) => {
      // Before a pull the caller has inspected the image, which has shown the engine to be answering.
      const progress = http.bytes("POST", "/images/create", { query: pullQuery(image), lateHeaders: true }).pipe(
        Pull.progress(image)
      )
      if (options?.timeout === undefined) return progress
      const limit = Duration.fromInputUnsafe(options.timeout)
      return Stream.interruptWhen(
        progress,
        Effect.sleep(limit).pipe(Effect.andThen(Effect.fail(
          new DockerError({
            reason: "Timeout",
            message: `Pulling image '${image}' did not finish within ${Duration.format(limit)}`,
            operation: Pull.operation
          })
        )))
      )
    }

    return DockerClient.of({
      host: http.host,
      ping: http.empty("GET", "/_ping", { unversioned: true }).pipe(Effect.withSpan("DockerClient.ping")),
      version: http.json("GET", "/version", Schemas.Version, { unversioned: true }).pipe(
        Effect.withSpan("DockerClient.version")
      ),
      apiVersion: http.apiVersion,
      info: http.json("GET", "/info", Schemas.Info).pipe(Effect.withSpan("DockerClient.info")),
      inspectImage: Effect.fn("DockerClient.inspectImage")((image: string) =>
        http.json("GET", `/images/${id(image)}/json`, Schemas.ImageInspect)
      ),
      pullImage,
      createContainer: Effect.fn("DockerClient.createContainer")((spec: ContainerSpec, options?: { readonly name?: string }) =>
        http.json("POST", "/containers/create", Schemas.ContainerCreated, {
          query: { name: options?.name },
          body: {
            schema: Schemas.ContainerCreate,
            value: {
              ...spec,
              Tty: false,
              AttachStdin: false,
              AttachStdout: false,
              AttachStderr: false,
              OpenStdin: false
            } satisfies Schemas.ContainerCreate
          }
        })
      ),
      startContainer: Effect.fn("DockerClient.startContainer")((container: string) =>
        http.empty("POST", `/containers/${id(container)}/start`)
      ),
      waitContainer: Effect.fn("DockerClient.waitContainer")((container: string, options?: {
        readonly condition?: "not-running" | "next-exit" | "removed"
        readonly timeout?: Duration.Input
      }) => {
        const path = `/containers/${id(container)}/wait`
        const wait = http.json("POST", path, Schemas.ContainerWait, {
          query: { condition: options?.condition },
          untimed: true
        })
        const timeout = options?.timeout
        return timeout === undefined ? wait : Effect.timeoutOrElse(wait, {
          duration: timeout,
          orElse: () =>
            Effect.fail(
              new DockerError({
                reason: "Timeout",
                message: `Container ${container} did not stop within ${Duration.format(Duration.fromInputUnsafe(timeout))}`,
                operation: `POST ${path}`
              })
            )
        })
      }),
      registerWait: Effect.fn("DockerClient.registerWait")((container: string, options?: {
        readonly condition?: "not-running" | "next-exit" | "removed"
      }) =>
        http.jsonLater("POST", `/containers/${id(container)}/wait`, Schemas.ContainerWait, {
          query: { condition: options?.condition }
        })
      ),
      inspectContainer: Effect.fn("DockerClient.inspectContainer")((container: string) =>
        http.json("GET", `/containers/${id(container)}/json`, Schemas.ContainerInspect)
      ),
      listContainers: Effect.fn("DockerClient.listContainers")((options?: {
        readonly all?: boolean
        readonly filters?: Filters
      }) =>
        http.json("GET", "/containers/json", Schemas.ContainerList, {
          query: { all: flag(options?.all ?? true), filters: filtersParam(options?.filters) }
        })
      ),
      killContainer: Effect.fn("DockerClient.killContainer")((container: string, options?: { readonly signal?: string }) =>
        http.empty("POST", `/containers/${id(container)}/kill`, { query: { signal: options?.signal ?? "SIGKILL" } })
      ),
      removeContainer: Effect.fn("DockerClient.removeContainer")((container: string, options?: {
        readonly force?: boolean
        readonly volumes?: boolean
      }) =>
        http.empty("DELETE", `/containers/${id(container)}`, {
          query: { force: flag(options?.force ?? false), v: flag(options?.volumes ?? false) }
        })
      ),
      containerLogs: (container, options) => ContainerLogs.read(http, container, options),
      events: (options) =>
        http.bytes("GET", "/events", {
          query: {
            since: timeParam(options?.since),
            until: timeParam(options?.until),
            filters: filtersParam(options?.filters)
          }
        }).pipe(Ndjson.decode(Schemas.Event, "GET /events")),
      createNetwork: Effect.fn("DockerClient.createNetwork")((spec: NetworkSpec) =>
        http.json("POST", "/networks/create", Schemas.NetworkCreated, {
          body: {
            schema: Schemas.NetworkCreate,
            value: {
              Name: spec.Name,
              Driver: spec.Driver ?? "bridge",
              CheckDuplicate: true,
              ...(spec.Labels === undefined ? {} : { Labels: spec.Labels }),
              ...(spec.Internal === undefined ? {} : { Internal: spec.Internal })
            } satisfies Schemas.NetworkCreate
          }
        })
      ),
      inspectNetwork: Effect.fn("DockerClient.inspectNetwork")((network: string) =>
        http.json("GET", `/networks/${id(network)}`, Schemas.NetworkInspect)
      ),
      listNetworks: Effect.fn("DockerClient.listNetworks")((options?: { readonly filters?: Filters }) =>
        http.json("GET", "/networks", Schemas.NetworkList, {
          query: { filters: filtersParam(options?.filters) }
        })
      ),
      removeNetwork: Effect.fn("DockerClient.removeNetwork")((network: string) =>
        http.empty("DELETE", `/networks/${id(network)}`)
      ),
      connectNetwork: Effect.fn("DockerClient.connectNetwork")((
        network: string,
        container: string,
        options?: { readonly aliases?: ReadonlyArray<string> }
      ) =>
        http.empty("POST", `/networks/${id(network)}/connect`, {
          body: {
            schema: Schemas.NetworkConnect,
            value: {
              Container: container,
              ...(options?.aliases === undefined ? {} : { EndpointConfig: { Aliases: options.aliases } })
            }
          }
        })
      )
    })
  })
