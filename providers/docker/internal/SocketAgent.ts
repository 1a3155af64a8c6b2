// The node:http agents the client's requests go through: every connection is to the engine's socket, and one that is
// not established within the connect deadline is destroyed. node:http has no connect timeout of its own (an agent's
// `timeout` is an idle timeout that only emits an event), and an Effect timeout around a request cannot tell a
// connection that never came from an answer that never came. Node, Bun and Deno all open an agent's connections
// through its `createConnection`.
import * as http from "node:http"
import * as https from "node:https"
import * as net from "node:net"
import type { Duplex } from "node:stream"
import { Duration, Effect, Layer } from "effect"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"

/** The code of the error a connection is destroyed with when its deadline passes (Node's own for connect timeouts). */
export const CONNECT_TIMEOUT_CODE = "ETIMEDOUT"

class ConnectTimeoutError extends Error {
  readonly code = CONNECT_TIMEOUT_CODE
  constructor(socketPath: string, limit: Duration.Duration) {
    super(`connect ${CONNECT_TIMEOUT_CODE} ${socketPath}: no connection within ${Duration.format(limit)}`)
  }
}

/** Opens a connection: `net.createConnection`, or in tests a stream that never connects. */
export type Connect = (options: net.NetConnectOpts) => Duplex

class DeadlineAgent extends http.Agent {
  readonly #socketPath: string
  readonly #limit: Duration.Duration
  readonly #connect: Connect

  constructor(socketPath: string, limit: Duration.Duration, connect: Connect) {
    // In the agent's options as in NodeHttpClient's own agents: the runtimes' node:http reads it there as well.
    // An empty `servername` (a TLS option, meaningless on a socket) keeps Node's agent from checking whether the host
    // is an IP address for each request, whose first call compiles the IPv6 pattern: 14 ms of a fresh `run exec`.
    const options: http.AgentOptions & { readonly socketPath: string; readonly servername: string } = { socketPath, servername: "" }
    super(options)
    this.#socketPath = socketPath
    this.#limit = limit
    this.#connect = connect
  }

  override createConnection(options: http.ClientRequestArgs): Duplex {
    // `path` is what net connects to, whatever the runtime's node:http put in the options.
    const socket = this.#connect({ ...options, path: this.#socketPath } as net.NetConnectOpts)
    const limit = this.#limit
    const timer = setTimeout(() => socket.destroy(new ConnectTimeoutError(this.#socketPath, limit)), Duration.toMillis(limit))
    const settled = () => clearTimeout(timer)
    socket.once("connect", settled)
    socket.once("close", settled)
    return socket
  }
}

/** Agents for the socket at `socketPath` (https only fills the service: the client speaks plain http to the socket). */
export const layer = (
  socketPath: string,
  connectTimeout: Duration.Duration,
  connect: Connect = net.createConnection
): Layer.Layer<NodeHttpClient.HttpAgent> =>
  Layer.effect(
    NodeHttpClient.HttpAgent,
    Effect.zipWith(
      Effect.acquireRelease(
        Effect.sync(() => new DeadlineAgent(socketPath, connectTimeout, connect)),
        (agent) => Effect.sync(() => agent.destroy())
      ),
      Effect.acquireRelease(
        Effect.sync(() => new https.Agent()),
        (agent) => Effect.sync(() => agent.destroy())
      ),
      (http, https) => ({ http, https })
    )
  )
