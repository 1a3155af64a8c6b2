// How long the client waits for the engine, and the errors that say it waited in vain. A hung dockerd (or anything on
// the socket that accepts connections and never answers) otherwise holds every command forever: the connection and
// the response headers of every call have a deadline, waits and follows included, since the engine sends the headers
// of those at once and only the body takes its time.
import { Duration } from "effect"
import { DockerError } from "../DockerError.ts"

/** Connecting to the socket. A live engine's socket connects at once, or fails at once when nothing listens. */
export const CONNECT_TIMEOUT: Duration.Duration = Duration.seconds(10)
/**
 * The response headers of every call. A busy engine answers a create or a start well within this; only a hung one
 * takes longer. Pulls are the exception: the engine sends nothing until the registry has answered. 25 s, so that a
 * command against a hung engine has failed, start-up included, within 30 s.
 */
export const HEADERS_TIMEOUT: Duration.Duration = Duration.seconds(25)
/** The whole of a plain call, body included (a long container list on a slow engine). */
export const REQUEST_TIMEOUT: Duration.Duration = Duration.minutes(2)

/** Milliseconds: the headers deadline (and the connect one, when shorter) of every client the options leave unset. */
export const ENV = "TYGER_TS_DOCKER_TIMEOUT_MS"

export interface Deadlines {
  readonly connect: Duration.Duration
  readonly headers: Duration.Duration
  readonly request: Duration.Duration
}

export const defaults: Deadlines = { connect: CONNECT_TIMEOUT, headers: HEADERS_TIMEOUT, request: REQUEST_TIMEOUT }

export interface Options {
  readonly connectTimeout?: Duration.Input | undefined
  readonly headersTimeout?: Duration.Input | undefined
  readonly requestTimeout?: Duration.Input | undefined
}

export type Resolved = { readonly _tag: "Ok"; readonly deadlines: Deadlines } | {
  readonly _tag: "Invalid"
  readonly message: string
}

/** The options, else {@link ENV} in `env`, else the defaults; a whole call never gets less time than its headers. */
export const resolve = (options: Options, env: Readonly<Record<string, string | undefined>>): Resolved => {
  const raw = env[ENV]?.trim() ?? ""
  let fromEnv: Duration.Duration | undefined
  if (raw !== "") {
    if (!/^[1-9][0-9]*$/.test(raw)) {
      return { _tag: "Invalid", message: `${ENV}=${raw} is not a whole number of milliseconds above 0 (such as 30000)` }
    }
    fromEnv = Duration.millis(Number(raw))
  }
  const headers = options.headersTimeout === undefined
    ? fromEnv ?? HEADERS_TIMEOUT
    : Duration.fromInputUnsafe(options.headersTimeout)
  const connect = options.connectTimeout === undefined
    ? Duration.min(CONNECT_TIMEOUT, headers)
    : Duration.fromInputUnsafe(options.connectTimeout)
  const request = options.requestTimeout === undefined
    ? Duration.max(REQUEST_TIMEOUT, headers)
    : Duration.fromInputUnsafe(options.requestTimeout)
  return { _tag: "Ok", deadlines: { connect, headers, request } }
}

const restartHint = "Check it with 'docker info'; restart it with 'sudo systemctl restart docker' " +
  "(or point DOCKER_HOST at another engine)."

/** The engine took the connection and sent nothing back: hung, or too overloaded to be of use. */
export const noAnswer = (host: string, operation: string, limit: Duration.Duration): DockerError =>
  new DockerError({
    reason: "Timeout",
    message: `The Docker engine at ${host} did not answer within ${Duration.format(limit)} (${operation}): ` +
      `it accepted the connection but sent nothing back. ${restartHint}`,
    operation
  })

/** The engine answered, then stopped sending before the answer was whole. */
export const unfinished = (host: string, operation: string, limit: Duration.Duration): DockerError =>
  new DockerError({
    reason: "Timeout",
    message: `The Docker engine at ${host} did not finish answering within ${Duration.format(limit)} (${operation}). ` +
      restartHint,
    operation
  })

/** Nothing took the connection. */
export const notConnected = (host: string, operation: string, limit: Duration.Duration, cause: unknown): DockerError =>
  new DockerError({
    reason: "Timeout",
    message: `The Docker engine at ${host} did not accept a connection within ${Duration.format(limit)} (${operation}). ` +
      "Is the Docker daemon running? Start it with 'sudo systemctl start docker', " +
      "or point DOCKER_HOST at its socket (unix:///path/to/docker.sock).",
    operation,
    cause
  })
