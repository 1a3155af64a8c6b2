// A Docker engine that accepts connections and never answers (issue 14: "A hung Docker engine hangs the CLI"): every
// call fails within its deadline with reason "Timeout" and a message naming the engine, plain calls and streams
// alike, and `tyger run create|exec|logs` exit 1 with that message. The engines here are unix socket servers of this
// test; only the `run logs` case also needs the real engine (for a run to read the logs of).
import assert from "node:assert/strict"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import * as net from "node:net"
import * as path from "node:path"
import process from "node:process"
import { Duplex } from "node:stream"
import { after, describe, test } from "node:test"
import { Duration, Effect, Layer, Stream } from "effect"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { HttpClient } from "effect/http"
import { DockerClient } from "../../../providers/docker/DockerClient.ts"
import type { DockerError } from "../../../providers/docker/DockerError.ts"
import * as Deadlines from "../../../providers/docker/internal/Deadlines.ts"
import { parseHost } from "../../../providers/docker/internal/Host.ts"
import { id } from "../../../providers/docker/internal/Query.ts"
import * as SocketAgent from "../../../providers/docker/internal/SocketAgent.ts"
import * as Transport from "../../../providers/docker/internal/Transport.ts"
import { collect, tygerArgv } from "../../support/Cli.ts"
import { dataDirLabel, dockerOrSkip, removeLabelled, testImage } from "../../support/Docker.ts"
import { tempDir } from "../../support/Run.ts"

const SHORT = Duration.millis(500)

interface Engine {
  readonly host: string
  /** Connections the engine has and has not closed. */
  readonly open: Set<net.Socket>
  readonly close: () => Promise<void>
}

const listen = async (server: net.Server, open: Set<net.Socket>): Promise<Engine> => {
  const socketPath = path.join(tempDir("tyger-hung-engine-"), "docker.sock")
  server.on("connection", (socket: net.Socket) => {
    open.add(socket)
    socket.on("error", () => {})
    socket.on("close", () => open.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(socketPath, resolve))
  return {
    host: `unix://${socketPath}`,
    open,
    close: () => {
      for (const socket of open) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    }
  }
}

/**
 * Accepts every connection and never writes a byte: dockerd hung, or anything else listening on its socket. It reads
 * (and drops) what comes, to see a connection's end.
 */
const blackHole = () => listen(net.createServer((socket) => socket.resume()), new Set())

/**
 * Answers `GET /version` (so the client negotiates) and whatever `answer` takes, and leaves every other request
 * without an answer: a dockerd with a stuck container lock, whose other endpoints still answer.
 */
const halfHung = (answer: (request: http.IncomingMessage, response: http.ServerResponse) => boolean = () => false) =>
  listen(
    http.createServer((request, response) => {
      if (request.url === "/version") {
        response.setHeader("content-type", "application/json")
        response.end(JSON.stringify({ Version: "27.0.0", ApiVersion: "1.47", MinAPIVersion: "1.24" }))
      } else answer(request, response)
    }),
    new Set()
  )

const engines: Array<Engine> = []
after(() => Promise.all(engines.map((engine) => engine.close())))
const started = async (engine: Promise<Engine>) => {
  const e = await engine
  engines.push(e)
  return e
}

/** The failure of `use` on a client of `engine` whose headers deadline is {@link SHORT}. */
const failure = <A>(engine: Engine, use: (docker: DockerClient["Service"]) => Effect.Effect<A, DockerError>) =>
  Effect.runPromise(
    Effect.flip(Effect.flatMap(Effect.service(DockerClient), use)).pipe(
      Effect.provide(DockerClient.layer({ host: engine.host, headersTimeout: SHORT, env: {} }))
    )
  )

const noAnswer = (engine: Engine, operation: string) =>
  `The Docker engine at ${engine.host} did not answer within 500ms (${operation}): ` +
  "it accepted the connection but sent nothing back. Check it with 'docker info'; restart it with " +
  "'sudo systemctl restart docker' (or point DOCKER_HOST at another engine)."

const isTimeout = (error: DockerError, engine: Engine, operation: string) => {
  assert.equal(error._tag, "DockerError")
  assert.equal(error.reason, "Timeout")
  assert.equal(error.operation, operation)
  assert.equal(error.message, noAnswer(engine, operation))
}

/** Resolves once the engine has no connection open: the client gave up on the ones it opened. */
const allClosed = async (engine: Engine) => {
  for (let i = 0; i < 200 && engine.open.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 25))
  assert.equal(engine.open.size, 0, "the client closes the connections it gave up on")
}

describe("a Docker engine that never answers", () => {
  test("plain calls fail with reason Timeout, naming the engine, and close their connection", async () => {
    const engine = await started(blackHole())
    isTimeout(await failure(engine, (d) => d.ping), engine, "GET /_ping")
    isTimeout(await failure(engine, (d) => d.version), engine, "GET /version")
    // Calls on a versioned path negotiate first: the deadline counts from the call, the negotiation included.
    isTimeout(await failure(engine, (d) => d.info), engine, "GET /info")
    isTimeout(await failure(engine, (d) => d.inspectImage("busybox")), engine, "GET /images/busybox/json")
    isTimeout(await failure(engine, (d) => d.apiVersion), engine, "GET /version")
    await allClosed(engine)
  })

  test("a log follow and a wait fail the same way", async () => {
    const engine = await started(blackHole())
    const follow = (d: DockerClient["Service"]) => Stream.runDrain(d.containerLogs("c1", { follow: true }))
    isTimeout(await failure(engine, follow), engine, "GET /containers/c1/logs")
    isTimeout(await failure(engine, (d) => d.waitContainer("c1")), engine, "POST /containers/c1/wait")
    await allClosed(engine)
  })
})

describe("a Docker engine that answers /version only", () => {
  test("each plain call has the deadline on its own headers", async () => {
    const engine = await started(halfHung())
    isTimeout(await failure(engine, (d) => d.info), engine, "GET /info")
    isTimeout(await failure(engine, (d) => d.inspectContainer("c1")), engine, "GET /containers/c1/json")
    isTimeout(await failure(engine, (d) => d.startContainer("c1")), engine, "POST /containers/c1/start")
    await allClosed(engine)
  })

  test("a log follow, a snapshot of the logs, a wait, a registered wait and events: their headers have it too", async () => {
    const engine = await started(halfHung())
    const logs = (follow: boolean) => (d: DockerClient["Service"]) => Stream.runDrain(d.containerLogs("c1", { follow }))
    isTimeout(await failure(engine, logs(true)), engine, "GET /containers/c1/logs")
    isTimeout(await failure(engine, logs(false)), engine, "GET /containers/c1/logs")
    // Untimed as a whole: the engine sends a wait's headers at once and its body when the container stops.
    isTimeout(await failure(engine, (d) => d.waitContainer("c1")), engine, "POST /containers/c1/wait")
    isTimeout(await failure(engine, (d) => d.registerWait("c1", { condition: "next-exit" })), engine, "POST /containers/c1/wait")
    isTimeout(await failure(engine, (d) => Stream.runDrain(d.events())), engine, "GET /events")
    await allClosed(engine)
  })

  test("a stream whose headers came is not cut by the deadline; a plain answer that stops halfway is", async () => {
    const engine = await started(halfHung((request, response) => {
      if (request.url?.startsWith("/v1.47/events") === true) {
        response.setHeader("content-type", "application/json")
        const event = (Action: string) => `${JSON.stringify({ Type: "container", Action, Actor: { ID: "c1" } })}\n`
        response.write(event("start"))
        // An event after the headers deadline has passed: the stream is still read.
        setTimeout(() => response.end(event("die")), 800)
        return true
      }
      if (request.url?.startsWith("/v1.47/containers/json") === true) {
        response.setHeader("content-type", "application/json")
        response.write("[")
        return true
      }
      return false
    }))
    const events = await Effect.runPromise(
      Effect.flatMap(Effect.service(DockerClient), (d) => Stream.runCollect(d.events())).pipe(
        Effect.provide(DockerClient.layer({ host: engine.host, headersTimeout: SHORT, env: {} }))
      )
    )
    assert.deepEqual(Array.from(events, (e) => e.Action), ["start", "die"])
    const unfinished = await Effect.runPromise(
      Effect.flip(Effect.flatMap(Effect.service(DockerClient), (d) => d.listContainers())).pipe(
        Effect.provide(DockerClient.layer({ host: engine.host, headersTimeout: SHORT, requestTimeout: "700 millis", env: {} }))
      )
    )
    assert.equal(unfinished.reason, "Timeout")
    assert.equal(
      unfinished.message,
      `The Docker engine at ${engine.host} did not finish answering within 700ms (GET /containers/json). ` +
        "Check it with 'docker info'; restart it with 'sudo systemctl restart docker' (or point DOCKER_HOST at another engine)."
    )
    await allClosed(engine)
  })

  test("a pull has no headers deadline (the engine answers once the registry has): its own timeout bounds it", async () => {
    const engine = await started(halfHung())
    const error = await failure(engine, (d) => Stream.runDrain(d.pullImage("busybox", { timeout: "1 second" })))
    assert.equal(error.reason, "Timeout")
    assert.equal(error.message, "Pulling image 'busybox' did not finish within 1s")
  })
})

describe("deadlines", () => {
  test("a connection that is not established within the connect deadline: reason Timeout, naming the engine", async () => {
    const socketPath = path.join(tempDir("tyger-hung-engine-"), "docker.sock")
    // A connection that never says it is connected (nor answers). A unix socket connect cannot be made to hang on
    // Linux (a full backlog fails it at once), so the test stands in for it.
    const stalled: SocketAgent.Connect = () => new Duplex({ write: (_chunk, _encoding, done) => done(), read: () => {} })
    const host = `unix://${socketPath}`
    const deadlines = { connect: Duration.millis(300), headers: Duration.seconds(20), request: Duration.seconds(20) }
    const client = Layer.provide(NodeHttpClient.layerNodeHttpNoAgent, SocketAgent.layer(socketPath, deadlines.connect, stalled))
    const error = await Effect.runPromise(
      Effect.flip(Effect.flatMap(Effect.service(HttpClient.HttpClient), (http) =>
        Transport.make(parseHost(host), http, deadlines).empty("GET", "/_ping", { unversioned: true }))).pipe(
        Effect.provide(client)
      )
    )
    assert.equal(error.reason, "Timeout")
    assert.equal(error.operation, "GET /_ping")
    assert.equal(
      error.message,
      `The Docker engine at ${host} did not accept a connection within 300ms (GET /_ping). Is the Docker daemon running? ` +
        "Start it with 'sudo systemctl start docker', or point DOCKER_HOST at its socket (unix:///path/to/docker.sock)."
    )
  })

  test("TYGER_TS_DOCKER_TIMEOUT_MS sets the headers deadline (and the connect one when shorter); options win", () => {
    const resolved = (options: Deadlines.Options, env: Record<string, string>) => {
      const r = Deadlines.resolve(options, env)
      return r._tag === "Ok"
        ? [Duration.toMillis(r.deadlines.connect), Duration.toMillis(r.deadlines.headers), Duration.toMillis(r.deadlines.request)]
        : r.message
    }
    assert.deepEqual(resolved({}, {}), [10_000, 25_000, 120_000])
    assert.deepEqual(resolved({}, { TYGER_TS_DOCKER_TIMEOUT_MS: "500" }), [500, 500, 120_000])
    assert.deepEqual(resolved({}, { TYGER_TS_DOCKER_TIMEOUT_MS: "300000" }), [10_000, 300_000, 300_000])
    assert.deepEqual(resolved({ headersTimeout: "2 seconds" }, { TYGER_TS_DOCKER_TIMEOUT_MS: "500" }), [2_000, 2_000, 120_000])
    assert.deepEqual(resolved({}, { TYGER_TS_DOCKER_TIMEOUT_MS: " " }), [10_000, 25_000, 120_000])
    assert.equal(
      resolved({}, { TYGER_TS_DOCKER_TIMEOUT_MS: "30s" }),
      "TYGER_TS_DOCKER_TIMEOUT_MS=30s is not a whole number of milliseconds above 0 (such as 30000)"
    )
  })

  test("an invalid TYGER_TS_DOCKER_TIMEOUT_MS fails every call, as an unusable DOCKER_HOST does", async () => {
    const error = await Effect.runPromise(
      Effect.flip(Effect.flatMap(Effect.service(DockerClient), (d) => d.ping)).pipe(
        Effect.provide(DockerClient.layer({ host: "unix:///nowhere.sock", env: { TYGER_TS_DOCKER_TIMEOUT_MS: "0" } }))
      )
    )
    assert.equal(error.reason, "Unavailable")
    assert.match(error.message, /^TYGER_TS_DOCKER_TIMEOUT_MS=0 is not a whole number of milliseconds/)
  })
})

// `tyger` as a process of this runtime, as bin/tyger starts it: its environment is where the CLI reads DOCKER_HOST and
// TYGER_TS_DOCKER_TIMEOUT_MS.
const tyger = (dir: string, env: Record<string, string>, ...args: ReadonlyArray<string>) => {
  const [executable, ...argv] = tygerArgv()
  return collect(spawn(executable!, [...argv, ...args], {
    cwd: dir,
    env: { ...process.env, TYGER_TS_DATA_DIR: path.join(dir, "data"), NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  }))
}

const failsWith = (result: { readonly code: number | null; readonly stdout: string; readonly stderr: string }, message: string) => {
  assert.deepEqual(result, { code: 1, stdout: "", stderr: `Error: ${message}\n` })
}

const workspace = (script: string) => {
  const dir = tempDir("tyger-hung-cli-")
  fs.writeFileSync(path.join(dir, "hello.yml"), `name: hello\nimage: ${testImage}\ncommand: ["sh", "-c", ${JSON.stringify(script)}]\n`)
  return dir
}

const skip = await dockerOrSkip()

describe("tyger with DOCKER_HOST at an engine that never answers", () => {
  test("run create and run exec exit 1 with the engine's name, no stack trace", async () => {
    const engine = await started(blackHole())
    const dir = workspace("echo hi")
    const hung = { DOCKER_HOST: engine.host, TYGER_TS_DOCKER_TIMEOUT_MS: "500" }
    assert.equal((await tyger(dir, hung, "codespec", "create", "-f", "hello.yml")).code, 0)
    // The first call a run makes: is the image on the engine?
    const inspect = `GET /images/${id(testImage)}/json`
    failsWith(await tyger(dir, hung, "run", "create", "-c", "hello"), noAnswer(engine, inspect))
    failsWith(await tyger(dir, hung, "run", "exec", "-c", "hello"), noAnswer(engine, inspect))
  })

  test("run logs of a run the engine was running exits 1 with the engine's name", { skip }, async () => {
    const engine = await started(blackHole())
    const dir = workspace("sleep 60")
    try {
      assert.equal((await tyger(dir, {}, "codespec", "create", "-f", "hello.yml")).code, 0)
      const created = await tyger(dir, {}, "run", "create", "-c", "hello")
      assert.deepEqual({ code: created.code, stderr: created.stderr }, { code: 0, stderr: "" })
      const runId = created.stdout.trim()
      const hung = { DOCKER_HOST: engine.host, TYGER_TS_DOCKER_TIMEOUT_MS: "500" }
      // The run's containers are listed first.
      failsWith(await tyger(dir, hung, "run", "logs", runId), noAnswer(engine, "GET /containers/json"))
      failsWith(await tyger(dir, hung, "run", "logs", runId, "--follow"), noAnswer(engine, "GET /containers/json"))
      assert.equal((await tyger(dir, {}, "run", "cancel", runId)).code, 0)
    } finally {
      await removeLabelled(dataDirLabel(path.join(dir, "data")))
    }
  })
})
