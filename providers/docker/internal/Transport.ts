// HTTP to the engine: the versioned path prefix (negotiated on first use, not when the layer is built, so a layer can
// exist while dockerd is still starting), the deadlines of every call, and the translation of every failure into one
// DockerError.
import { Effect, Option, Schema, Semaphore, Stream } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import type { HttpClientError, HttpClientResponse } from "effect/http"
import { DockerError } from "../DockerError.ts"
import type { Reason } from "../DockerError.ts"
import * as ApiVersion from "./ApiVersion.ts"
import * as Deadlines from "./Deadlines.ts"
import type { Endpoint } from "./Host.ts"
import * as Schemas from "./Schemas.ts"
import { CONNECT_TIMEOUT_CODE } from "./SocketAgent.ts"

export type Method = "GET" | "POST" | "DELETE"
export type Query = Readonly<Record<string, string | number | boolean | undefined>>

export interface RequestOptions {
  readonly query?: Query
  /** A JSON body, encoded (and checked) by its schema. */
  readonly body?: { readonly schema: Schema.Codec<any, any>; readonly value: unknown }
  /** Unversioned path (`/_ping`, `/version`): usable before negotiation. */
  readonly unversioned?: boolean
  /**
   * No limit on the whole of a `json`/`empty` call (waits): the caller bounds these. `bytes` streams never have one.
   * Their headers still have the headers deadline.
   */
  readonly untimed?: boolean
  /**
   * The engine sends the headers only once it has something to report (a pull: once the registry has answered), so
   * there is no headers deadline either: the caller bounds the call.
   */
  readonly lateHeaders?: boolean
}

export interface Transport {
  readonly host: string
  readonly apiVersion: Effect.Effect<string, DockerError>
  /** Sends the request and succeeds with the response once its headers have arrived, within the headers deadline (the
   * body is never timed: `json` and `empty` time theirs); any status ≥ 400 becomes a DockerError carrying the
   * engine's message. */
  readonly send: (method: Method, path: string, options?: RequestOptions) => Effect.Effect<
    HttpClientResponse.HttpClientResponse,
    DockerError
  >
  readonly json: <S extends Schema.Decoder<unknown>>(
    method: Method,
    path: string,
    schema: S,
    options?: RequestOptions
  ) => Effect.Effect<S["Type"], DockerError>
  readonly empty: (method: Method, path: string, options?: RequestOptions) => Effect.Effect<void, DockerError>
  /**
   * Sends the request and succeeds once the response headers have arrived, with the (untimed) decoding of the body:
   * for answers the engine starts at once and finishes later (a container wait).
   */
  readonly jsonLater: <S extends Schema.Decoder<unknown>>(
    method: Method,
    path: string,
    schema: S,
    options?: RequestOptions
  ) => Effect.Effect<Effect.Effect<S["Type"], DockerError>, DockerError>
  readonly bytes: (method: Method, path: string, options?: RequestOptions) => Stream.Stream<Uint8Array, DockerError>
}

const errorCode = (cause: unknown): string | undefined => {
  for (let current = cause, depth = 0; typeof current === "object" && current !== null && depth < 5; depth++) {
    const code = (current as { readonly code?: unknown }).code
    if (typeof code === "string") return code
    current = (current as { readonly cause?: unknown }).cause
  }
  return undefined
}

export const unavailable = (host: string, operation: string, cause: unknown): DockerError => {
  const code = errorCode(cause)
  const hint = code === "EACCES" || code === "EPERM"
    ? "Permission denied: run as a member of the 'docker' group (sudo usermod -aG docker $USER, then log in again) or as root."
    : "Is the Docker daemon running? Start it with 'sudo systemctl start docker' (or 'sudo dockerd &'), " +
      "or point DOCKER_HOST at its socket (unix:///path/to/docker.sock)."
  return new DockerError({
    reason: "Unavailable",
    message: `Cannot connect to the Docker daemon at ${host}${code === undefined ? "" : ` (${code})`}. ${hint}`,
    operation,
    cause
  })
}

// Docker answers a missing image with 404 "No such image: x" (inspect, create) — the one 404 callers must tell apart.
const classify = (status: number, message: string): Reason => {
  if (status === 404) return /no such image|image .*not found/i.test(message) ? "ImageMissing" : "NotFound"
  if (status === 409) return "Conflict"
  if (status === 400) return "BadRequest"
  return "Unknown"
}

const decodeError = Schema.decodeUnknownOption(Schema.fromJsonString(Schemas.ErrorBody))

export const statusError = (operation: string, status: number, body: string): DockerError => {
  const message = Option.match(decodeError(body), { onNone: () => body.trim(), onSome: (json) => json.message })
  return new DockerError({
    reason: classify(status, message),
    message: message === "" ? `the Docker engine answered HTTP ${status}` : message,
    status,
    operation
  })
}

// The body stream failed after the engine had answered: the daemon went away or the connection was cut.
const broken = (host: string, operation: string, cause: unknown): DockerError =>
  new DockerError({
    reason: "Unavailable",
    message: `The connection to the Docker daemon at ${host} broke during ${operation}: ${
      cause instanceof Error ? cause.message : String(cause)
    }`,
    operation,
    cause
  })

const unexpected = (operation: string, cause: unknown): DockerError =>
  new DockerError({
    reason: "Unknown",
    message: `Unexpected answer from the Docker engine to ${operation}: ${String(cause)}`,
    operation,
    cause
  })

export const make = (
  endpoint: Endpoint,
  client: HttpClient.HttpClient,
  deadlines: Deadlines.Deadlines
): Transport => {
  // The URL's host only fills the Host header: every connection goes to the socket.
  const origin = "http://localhost"
  const lock = Semaphore.makeUnsafe(1)
  let prefix: string | undefined

  const request = (
    method: Method,
    path: string,
    operation: string,
    versionPrefix: string,
    options: RequestOptions
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, DockerError> =>
    Effect.gen(function*() {
      let req = HttpClientRequest.make(method)(`${origin}${versionPrefix}${path}`, {
        urlParams: options.query ?? {},
        acceptJson: true
      })
      if (options.body !== undefined) {
        req = yield* HttpClientRequest.schemaBodyJson(options.body.schema)(req, options.body.value).pipe(
          Effect.mapError((cause) =>
            new DockerError({ reason: "BadRequest", message: `Invalid request body: ${cause.message}`, operation, cause })
          )
        )
      }
      const response = yield* client.execute(req).pipe(
        Effect.mapError((error: HttpClientError.HttpClientError) => {
          if (error.reason._tag !== "TransportError") return unexpected(operation, error)
          return errorCode(error) === CONNECT_TIMEOUT_CODE
            ? Deadlines.notConnected(endpoint.host, operation, deadlines.connect, error)
            : unavailable(endpoint.host, operation, error)
        })
      )
      if (response.status >= 400) {
        const body = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
        return yield* statusError(operation, response.status, body)
      }
      return response
    })

  // Timed as a whole even before a pull, which has no headers deadline.
  const negotiate = Effect.gen(function*() {
    const response = yield* request("GET", "/version", "GET /version", "", {})
    const version = yield* decodeJson(response, Schemas.Version, "GET /version")
    const negotiated = ApiVersion.negotiate(version)
    if (negotiated._tag === "Incompatible") {
      return yield* new DockerError({ reason: "Unavailable", message: negotiated.message, operation: "GET /version" })
    }
    return negotiated.version
  }).pipe(
    Effect.timeoutOrElse({
      duration: deadlines.request,
      orElse: () => Effect.fail(Deadlines.unfinished(endpoint.host, "GET /version", deadlines.request))
    })
  )

  // Negotiated once; a failure is not remembered, so calls succeed once dockerd is up.
  const apiVersion: Effect.Effect<string, DockerError> = Effect.suspend(() =>
    prefix !== undefined ? Effect.succeed(prefix) : lock.withPermits(1)(
      Effect.suspend(() =>
        prefix !== undefined ? Effect.succeed(prefix) : Effect.tap(negotiate, (version) =>
          Effect.sync(() => {
            prefix = version
          }))
      )
    )
  )

  // The headers deadline counts from the call, the negotiation and the wait for it included, so that calls made
  // together while the engine hangs fail together instead of each waiting out a deadline of its own in turn for the
  // negotiation lock. Interrupting a request destroys its connection: nothing is left waiting on the engine.
  const answered = <A>(effect: Effect.Effect<A, DockerError>, operation: string) =>
    Effect.timeoutOrElse(effect, {
      duration: deadlines.headers,
      orElse: () => Effect.fail(Deadlines.noAnswer(endpoint.host, operation, deadlines.headers))
    })

  const send = (method: Method, path: string, options: RequestOptions = {}) => {
    const operation = `${method} ${path}`
    if (endpoint._tag === "Unsupported") {
      return Effect.fail(new DockerError({ reason: "Unavailable", message: endpoint.message, operation }))
    }
    const sent = options.unversioned === true
      ? request(method, path, operation, "", options)
      : Effect.flatMap(apiVersion, (version) => request(method, path, operation, `/v${version}`, options))
    return options.lateHeaders === true ? sent : answered(sent, operation)
  }

  const timed = <A>(effect: Effect.Effect<A, DockerError>, operation: string, options: RequestOptions | undefined) =>
    options?.untimed === true ? effect : Effect.timeoutOrElse(effect, {
      duration: deadlines.request,
      orElse: () => Effect.fail(Deadlines.unfinished(endpoint.host, operation, deadlines.request))
    })

  return {
    host: endpoint.host,
    apiVersion: answered(apiVersion, "GET /version"),
    send,
    json: (method, path, schema, options) =>
      timed(
        Effect.flatMap(send(method, path, options), (response) => decodeJson(response, schema, `${method} ${path}`)),
        `${method} ${path}`,
        options
      ),
    empty: (method, path, options) => timed(Effect.asVoid(send(method, path, options)), `${method} ${path}`, options),
    jsonLater: (method, path, schema, options) =>
      timed(
        Effect.map(send(method, path, options), (response) => decodeJson(response, schema, `${method} ${path}`)),
        `${method} ${path}`,
        options
      ),
    bytes: (method, path, options) =>
      Stream.unwrap(Effect.map(
        send(method, path, options),
        (response) => Stream.mapError(response.stream, (error) => broken(endpoint.host, `${method} ${path}`, error))
      ))
  }
}

const decodeJson = <S extends Schema.Decoder<unknown>>(
  response: HttpClientResponse.HttpClientResponse,
  schema: S,
  operation: string
): Effect.Effect<S["Type"], DockerError> =>
  response.json.pipe(
    Effect.flatMap(Schema.decodeUnknownEffect(schema)),
    Effect.mapError((cause) => unexpected(operation, cause))
  ) as Effect.Effect<S["Type"], DockerError>
