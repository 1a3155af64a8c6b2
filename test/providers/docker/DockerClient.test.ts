// The Docker Engine API client: its pure parts always, and every call against the real engine (skipped, with the
// reason printed, when no engine answers). Everything created here carries this file's session label and is removed
// after the file.
import assert from "node:assert/strict"
import { randomUUID } from "node:crypto"
import * as net from "node:net"
import * as path from "node:path"
import process from "node:process"
import { after, describe, test } from "node:test"
import { Effect, Fiber, ManagedRuntime, Stream } from "effect"
import { allGpus, DockerClient, pullQuery, timeParam } from "../../../providers/docker/DockerClient.ts"
import type { ContainerSpec, LogLine } from "../../../providers/docker/DockerClient.ts"
import type { DockerError } from "../../../providers/docker/DockerError.ts"
import * as ApiVersion from "../../../providers/docker/internal/ApiVersion.ts"
import { oomKilled } from "../../../providers/docker/DockerRunReader.ts"
import { parseHost } from "../../../providers/docker/internal/Host.ts"
import { makeDemuxer } from "../../../providers/docker/internal/LogFrames.ts"
import * as Pull from "../../../providers/docker/internal/Pull.ts"
import { dockerOrSkip, exec, testImage, testSession } from "../../support/Docker.ts"
import { tempDir } from "../../support/Run.ts"

const run = <A>(effect: Effect.Effect<A, DockerError>): Promise<A> => Effect.runPromise(effect)
const failure = <A>(effect: Effect.Effect<A, DockerError>): Promise<DockerError> => Effect.runPromise(Effect.flip(effect))
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

const frame = (type: number, payload: Uint8Array): Uint8Array => {
  const out = new Uint8Array(8 + payload.length)
  out[0] = type
  new DataView(out.buffer).setUint32(4, payload.length)
  out.set(payload, 8)
  return out
}
const join = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  parts.reduce((offset, p) => (out.set(p, offset), offset + p.length), 0)
  return out
}
/** Feeds `body` to a demuxer in pieces of `step` bytes. */
const demux = (body: Uint8Array, step: number, timestamps = true) => {
  const demuxer = makeDemuxer({ timestamps })
  const lines: Array<LogLine> = []
  const errors: Array<string> = []
  for (let i = 0; i < body.length; i += step) {
    const out = demuxer.push(body.slice(i, i + step))
    lines.push(...out.lines)
    if (out.error !== undefined) errors.push(out.error)
  }
  const end = demuxer.end()
  lines.push(...end.lines)
  if (end.error !== undefined) errors.push(end.error)
  return { lines, errors }
}

describe("DockerClient without an engine", () => {
  test("DOCKER_HOST: unset or unix:// is a socket; tcp:// and others are refused with a clear message", () => {
    assert.deepEqual(parseHost(undefined), { _tag: "Unix", socketPath: "/var/run/docker.sock", host: "unix:///var/run/docker.sock" })
    assert.deepEqual(parseHost(""), parseHost(undefined))
    assert.deepEqual(parseHost("unix:///run/user/1000/docker.sock"), {
      _tag: "Unix",
      socketPath: "/run/user/1000/docker.sock",
      host: "unix:///run/user/1000/docker.sock"
    })
    const tcp = parseHost("tcp://10.0.0.1:2376")
    assert.equal(tcp._tag, "Unsupported")
    assert.match(tcp._tag === "Unsupported" ? tcp.message : "", /unix socket only, not tcp:\/\/.*Unset DOCKER_HOST/)
    assert.equal(parseHost("unix://relative.sock")._tag, "Unsupported")
  })

  test("API version: the lower of the engine's and ours, within what both accept", () => {
    assert.deepEqual(ApiVersion.negotiate({ ApiVersion: "1.41", MinAPIVersion: "1.12" }), { _tag: "Ok", version: "1.41" })
    assert.deepEqual(ApiVersion.negotiate({ ApiVersion: "1.52", MinAPIVersion: "1.44" }), { _tag: "Ok", version: ApiVersion.maximum })
    assert.equal(ApiVersion.negotiate({ ApiVersion: "1.39" })._tag, "Incompatible")
    assert.equal(ApiVersion.negotiate({ ApiVersion: "1.60", MinAPIVersion: "1.50" })._tag, "Incompatible")
    assert.equal(ApiVersion.compare("1.9", "1.41"), -32)
  })

  test("query helpers: pull references and since/until times", () => {
    assert.deepEqual(pullQuery("busybox"), { fromImage: "busybox", tag: "latest" })
    assert.deepEqual(pullQuery("localhost:5000/a/b:1.2"), { fromImage: "localhost:5000/a/b", tag: "1.2" })
    assert.deepEqual(pullQuery("localhost:5000/a"), { fromImage: "localhost:5000/a", tag: "latest" })
    assert.deepEqual(pullQuery("a@sha256:00"), { fromImage: "a@sha256:00" })
    assert.equal(timeParam(new Date(1_700_000_000_250)), "1700000000.250000000")
    assert.equal(timeParam(12), "12.000000000")
    assert.equal(timeParam("2024-01-02T03:04:05.000000001Z"), "1704164645.000000001")
    assert.equal(timeParam("2024-01-02T04:04:05.5+01:00"), "1704164645.500000000")
    assert.equal(timeParam("1704164645"), "1704164645")
  })

  test("log frames: demultiplexed, 16 KiB pieces re-joined (UTF-8 intact), however the body is cut", () => {
    const ts = (n: number) => `2024-01-02T03:04:05.00000000${n}Z `
    const long = "é".repeat(20_000) // 40,000 bytes: Docker logs it as three pieces, cutting characters
    const encoded = bytes(long)
    const pieces = [encoded.slice(0, 16_384), encoded.slice(16_384, 32_768), encoded.slice(32_768)]
    const body = join([
      frame(1, bytes(`${ts(1)}out\n`)),
      frame(1, join([bytes(ts(2)), pieces[0]!])),
      frame(2, bytes(`${ts(3)}err\n`)), // another stream between the pieces
      frame(1, join([bytes(ts(2)), pieces[1]!])),
      frame(1, join([bytes(ts(2)), pieces[2]!, bytes("\n")])),
      frame(2, bytes(`${ts(4)}\n`)),
      frame(1, bytes(`${ts(5)}no newline at exit`))
    ])
    const expected: ReadonlyArray<LogLine> = [
      { stream: "stdout", line: "out", timestamp: ts(1).trim() },
      { stream: "stderr", line: "err", timestamp: ts(3).trim() },
      { stream: "stdout", line: long, timestamp: ts(2).trim() },
      { stream: "stderr", line: "", timestamp: ts(4).trim() },
      { stream: "stdout", line: "no newline at exit", timestamp: ts(5).trim(), partial: true }
    ]
    for (const step of [1, 3, 7, 8, 9, 4096, body.length]) {
      assert.deepEqual(demux(body, step), { lines: expected, errors: [] }, `cut every ${step} bytes`)
    }
    assert.deepEqual(demux(join([frame(1, bytes("a\nb\n"))]), 2, false).lines, [
      { stream: "stdout", line: "a" },
      { stream: "stdout", line: "b" }
    ])
  })

  test("log frames: an engine error frame, a TTY stream and a cut frame are errors", () => {
    assert.deepEqual(demux(frame(3, bytes("error from daemon in stream\n")), 5).errors, ["error from daemon in stream"])
    assert.match(demux(bytes("plain tty text\n"), 64).errors[0] ?? "", /not multiplexed/)
    assert.match(demux(frame(1, bytes("abc")).slice(0, 10), 64).errors[0] ?? "", /ended inside a frame/)
  })

  test("pull progress: an error line fails the pull with reason ImageMissing and the engine's message", async () => {
    const body = Stream.make(
      bytes(`{"status":"Pulling from library/x","id":"1"}\n{"status":"Downl`),
      bytes(`oading","progressDetail":{"current":1,"total":2},"id":"a"}\n`),
      bytes(`{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}\n`)
    )
    const seen: Array<string> = []
    const error = await failure(
      body.pipe(Pull.progress("x:1"), Stream.runForEach((p) => Effect.sync(() => seen.push(p.status ?? ""))))
    )
    assert.deepEqual(seen, ["Pulling from library/x", "Downloading"])
    assert.equal(error.reason, "ImageMissing")
    assert.equal(error.message, "Could not pull image 'x:1': manifest unknown")
  })

  test("no engine: reason Unavailable, saying how to start docker; tcp:// refused before connecting", async () => {
    const missing = await Effect.runPromise(
      Effect.flip(Effect.flatMap(Effect.service(DockerClient), (d) => d.ping)).pipe(
        Effect.provide(DockerClient.layer({ host: `unix://${path.join(tempDir(), "docker.sock")}` }))
      )
    )
    assert.equal(missing.reason, "Unavailable")
    assert.match(missing.message, /Cannot connect to the Docker daemon at unix:\/\/.*docker\.sock.*systemctl start docker/)
    const tcp = await Effect.runPromise(
      Effect.flip(Effect.flatMap(Effect.service(DockerClient), (d) => d.inspectImage("x"))).pipe(
        Effect.provide(DockerClient.layer({ host: "tcp://127.0.0.1:2375" }))
      )
    )
    assert.equal(tcp.reason, "Unavailable")
    assert.match(tcp.message, /unix socket only/)
    assert.equal(allGpus.Count, -1)
  })
})

const skip = await dockerOrSkip()
const session = testSession()
// The test file is the composition root: it reads DOCKER_HOST, as the CLI will.
const runtime = ManagedRuntime.make(DockerClient.layer({ host: process.env["DOCKER_HOST"] }))
after(async () => {
  if (skip === false) await session.cleanup()
  await runtime.dispose()
})
const docker = skip === false ? await runtime.runPromise(Effect.service(DockerClient)) : undefined
const d = (): DockerClient["Service"] => docker!

/** Creates (not starts) a labelled test container running `sh -c script`. */
const create = (script: string, spec: Partial<ContainerSpec> = {}, name?: string) =>
  run(d().createContainer({
    Image: testImage,
    Cmd: ["sh", "-c", script],
    ...spec,
    Labels: { ...session.labels, ...spec.Labels }
  }, name === undefined ? {} : { name })).then((created) => created.Id)
const runToExit = async (script: string, spec: Partial<ContainerSpec> = {}) => {
  const id = await create(script, spec)
  await run(d().startContainer(id))
  const exit = await run(d().waitContainer(id, { timeout: "60 seconds" }))
  return { id, exit }
}
const logs = (id: string, options = {}) => run(Stream.runCollect(d().containerLogs(id, options)))
/** Polls `condition` every 50 ms (for up to 30 s) until it holds. */
const waitUntil = async (condition: () => Promise<boolean>) => {
  for (const deadline = Date.now() + 30_000; !(await condition());) {
    if (Date.now() > deadline) throw new Error("timed out waiting")
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
const sessionLabel = `tyger-test-session=${session.labels["tyger-test-session"]}`
const rfc3339Nano = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/

describe("DockerClient against the Docker engine", () => {
  test("negotiates the API version once: min(engine, client maximum)", { skip }, async () => {
    const version = await run(d().version)
    const expected = (ApiVersion.compare(version.ApiVersion, ApiVersion.maximum) ?? 0) < 0 ? version.ApiVersion : ApiVersion.maximum
    assert.equal(await run(d().apiVersion), expected)
    await run(d().ping)
    const info = await run(d().info)
    assert.ok(info.ServerVersion.length > 0)
  })

  test("image inspect: the test image; a missing one is ImageMissing (404)", { skip }, async () => {
    const image = await run(d().inspectImage(testImage))
    assert.match(image.Id, /^sha256:/)
    assert.ok(image.RepoTags?.includes(testImage))
    const missing = await failure(d().inspectImage("tyger-test/no-such-image:latest"))
    assert.deepEqual([missing.reason, missing.status], ["ImageMissing", 404])
    assert.match(missing.message, /no such image/i)
    const create = await failure(d().createContainer({ Image: "tyger-test/no-such-image:latest", Labels: session.labels }))
    assert.equal(create.reason, "ImageMissing")
  })

  test("create, start, wait: exit code, then demultiplexed timestamped logs in order", { skip }, async () => {
    const { id, exit } = await runToExit("echo out; sleep 0.2; echo err >&2; sleep 0.2; echo out2; exit 3")
    assert.equal(exit.StatusCode, 3)
    const state = (await run(d().inspectContainer(id))).State
    assert.deepEqual([state.Status, state.Running, state.ExitCode, state.OOMKilled], ["exited", false, 3, false])
    assert.match(state.FinishedAt, /^\d{4}-/)
    const lines = await logs(id)
    assert.deepEqual(lines.map((l) => [l.stream, l.line]), [["stdout", "out"], ["stderr", "err"], ["stdout", "out2"]])
    for (const line of lines) assert.match(line.timestamp ?? "", rfc3339Nano)
    assert.deepEqual(lines.map((l) => l.timestamp), lines.map((l) => l.timestamp).sort())
    assert.deepEqual(await logs(id, { timestamps: false, stderr: false }), [
      { stream: "stdout", line: "out" },
      { stream: "stdout", line: "out2" }
    ])
    assert.deepEqual((await logs(id, { tail: 1 })).map((l) => l.line), ["out2"])
    assert.deepEqual((await logs(id, { since: lines[1]!.timestamp! })).map((l) => l.line), ["err", "out2"])
  })

  test("a 2,000,000-character line and a split multi-byte line come back intact", { skip }, async () => {
    const { id, exit } = await runToExit(
      "head -c 2000000 /dev/zero | tr '\\0' x; echo; yes é | head -n 20000 | tr -d '\\n'; echo; echo after"
    )
    assert.equal(exit.StatusCode, 0)
    const lines = await logs(id)
    assert.deepEqual(lines.map((l) => l.line.length), [2_000_000, 20_000, 5])
    assert.ok(/^x+$/.test(lines[0]!.line))
    assert.equal(lines[1]!.line, "é".repeat(20_000))
    assert.equal(lines[2]!.line, "after")
  })

  test("follow streams until the container exits; interrupting a follow ends it", { skip }, async () => {
    const id = await create("echo a; sleep 1; echo b")
    await run(d().startContainer(id))
    const started = Date.now()
    const followed = await logs(id, { follow: true })
    assert.deepEqual(followed.map((l) => l.line), ["a", "b"])
    assert.ok(Date.now() - started >= 500, "follow returned before the container wrote its second line")

    const sleeper = await create("echo first; sleep 60")
    await run(d().startContainer(sleeper))
    const first = await run(Stream.runCollect(Stream.take(d().containerLogs(sleeper, { follow: true }), 1)))
    assert.deepEqual(first.map((l) => l.line), ["first"])
  })

  test("a long line still being written: a read marks its first pieces partial, a follow brings it whole", { skip }, async () => {
    // Docker logs a line longer than 16 KiB in pieces as it comes; the newline only arrives after the sleep.
    const id = await create("printf '%20000s' '' | tr ' ' a; sleep 2; echo; echo done")
    await run(d().startContainer(id))
    await waitUntil(async () => (await logs(id)).length > 0)
    const early = await logs(id)
    assert.deepEqual(early.map((l) => [l.line.length, l.partial]), [[16_384, true]])
    const followed = await logs(id, { follow: true })
    assert.deepEqual(followed.map((l) => [l.line, l.partial]), [["a".repeat(20_000), undefined], ["done", undefined]])
  })

  test("labels, and listing by a label filter", { skip }, async () => {
    const marker = `tyger-run=${randomUUID()}`
    const [key, value] = marker.split("=") as [string, string]
    const a = await create("true", { Labels: { [key]: value } })
    const b = await create("true")
    const byMarker = await run(d().listContainers({ filters: { label: [marker] } }))
    assert.deepEqual(byMarker.map((c) => c.Id), [a])
    assert.equal(byMarker[0]!.Labels?.[key], value)
    assert.equal(byMarker[0]!.State, "created")
    const bySession = await run(d().listContainers({ filters: { label: [sessionLabel] } }))
    assert.ok([a, b].every((id) => bySession.some((c) => c.Id === id)))
    assert.deepEqual((await run(d().inspectContainer(a))).Config?.Labels?.[key], value)
  })

  test("start twice, name conflicts, kill, remove", { skip }, async () => {
    const name = `tyger-test-${randomUUID()}`
    const id = await create("sleep 60", {}, name)
    const taken = await failure(d().createContainer({ Image: testImage, Cmd: ["true"], Labels: session.labels }, { name }))
    assert.equal(taken.reason, "Conflict")
    await run(d().startContainer(id))
    await run(d().startContainer(id)) // 304 from the engine: already running
    assert.equal((await run(d().inspectContainer(name))).State.Running, true)
    await run(d().killContainer(id))
    await run(d().waitContainer(id, { timeout: "30 seconds" }))
    const state = (await run(d().inspectContainer(id))).State
    assert.deepEqual([state.Running, state.Status, state.ExitCode], [false, "exited", 137])
    assert.equal((await failure(d().killContainer(id))).reason, "Conflict")
    await run(d().removeContainer(id, { force: true, volumes: true }))
    const gone = await failure(d().inspectContainer(id))
    assert.deepEqual([gone.reason, gone.status], ["NotFound", 404])
    assert.equal((await failure(d().removeContainer(id))).reason, "NotFound")
  })

  test("a container over its memory limit (no swap) is OOMKilled", { skip }, async () => {
    const { id, exit } = await runToExit("x=; while :; do x=$x$x$x$x$x$x$x$x$x$x\"aaaaaaaaaa\"; done", {
      HostConfig: { Memory: 8 * 1024 * 1024, MemorySwap: 8 * 1024 * 1024 }
    })
    assert.equal(exit.StatusCode, 137)
    const inspected = await run(d().inspectContainer(id))
    // Docker may report the exit before it has processed the OOM event, or never; the provider's check also asks the
    // events.
    assert.deepEqual([await runtime.runPromise(oomKilled(inspected)), inspected.State.Running], [true, false])
  })

  test("a container under a memory limit killed through the engine is not OOMKilled", { skip }, async () => {
    const id = await create("exec sleep 600", { HostConfig: { Memory: 64 * 1024 * 1024, MemorySwap: 64 * 1024 * 1024 } })
    await run(d().startContainer(id))
    await run(d().killContainer(id))
    assert.equal((await run(d().waitContainer(id, { timeout: "60 seconds" }))).StatusCode, 137)
    const inspected = await run(d().inspectContainer(id))
    assert.equal(inspected.HostConfig?.Memory, 64 * 1024 * 1024)
    assert.equal(await runtime.runPromise(oomKilled(inspected)), false)
  })

  test("data goes through bind-mounted FIFOs, not attach", { skip }, async () => {
    const dir = tempDir()
    for (const fifo of ["in.pipe", "out.pipe"]) {
      const made = await exec("mkfifo", ["-m", "0666", path.join(dir, fifo)])
      assert.equal(made.code, 0, made.stderr)
    }
    const id = await create("tr a-z A-Z < /pipes/in.pipe > /pipes/out.pipe", { HostConfig: { Binds: [`${dir}:/pipes`] } })
    await run(d().startContainer(id))
    const [, read] = await Promise.all([
      exec("sh", ["-c", `printf 'hello from the host' > '${path.join(dir, "in.pipe")}'`]),
      exec("cat", [path.join(dir, "out.pipe")])
    ])
    assert.equal(read.stdout, "HELLO FROM THE HOST")
    assert.equal((await run(d().waitContainer(id, { timeout: "30 seconds" }))).StatusCode, 0)
  })

  test("networks: create, aliases resolve between containers, connect, inspect, list, remove", { skip }, async () => {
    const name = `tyger-test-${randomUUID()}`
    const { Id: network } = await run(d().createNetwork({ Name: name, Labels: session.labels }))
    const inspected = await run(d().inspectNetwork(name))
    assert.deepEqual([inspected.Id, inspected.Driver, inspected.Labels?.["tyger-test"]], [network, "bridge", "1"])
    assert.equal((await failure(d().createNetwork({ Name: name, Labels: session.labels }))).reason, "Conflict")
    const server = await create("sleep 60", {
      HostConfig: { NetworkMode: name },
      NetworkingConfig: { EndpointsConfig: { [name]: { Aliases: ["svc"] } } }
    })
    await run(d().startContainer(server))
    const client = await create("ping -c 1 -W 5 svc && ping -c 1 -W 5 other")
    const other = await create("sleep 60")
    await run(d().connectNetwork(name, client))
    await run(d().connectNetwork(name, other, { aliases: ["other"] }))
    await run(d().startContainer(other))
    await run(d().startContainer(client))
    const exit = await run(d().waitContainer(client, { timeout: "60 seconds" }))
    assert.equal(exit.StatusCode, 0, (await logs(client)).map((l) => l.line).join("\n"))
    const attached = Object.keys((await run(d().inspectNetwork(network))).Containers ?? {})
    assert.ok(attached.includes(server) && attached.includes(other))
    const listed = await run(d().listNetworks({ filters: { label: [sessionLabel] } }))
    assert.deepEqual(listed.map((n) => n.Id), [network])
    for (const id of [server, client, other]) await run(d().removeContainer(id, { force: true }))
    await run(d().removeNetwork(network))
    assert.equal((await failure(d().inspectNetwork(network))).reason, "NotFound")
  })

  test("events: a container's start and die, filtered by label", { skip }, async () => {
    const since = new Date(Date.now() - 1000)
    const events = d().events({ since, filters: { type: ["container"], label: [sessionLabel] } })
    const id = await create("exit 0")
    const collected = Effect.runFork(
      events.pipe(
        Stream.filter((e) => e.Actor.ID === id),
        Stream.takeUntil((e) => e.Action === "die"),
        Stream.runCollect,
        Effect.timeout("30 seconds")
      )
    )
    await run(d().startContainer(id))
    const seen = await Effect.runPromise(Fiber.join(collected))
    assert.deepEqual(seen.map((e) => e.Action).filter((a) => ["create", "start", "die"].includes(a)), ["create", "start", "die"])
    assert.equal(seen.at(-1)?.Actor.Attributes?.["exitCode"], "0")
  })

  test("pulling from an unreachable registry fails promptly with a clear error", { skip }, async () => {
    const started = Date.now()
    const refused = await failure(Stream.runDrain(d().pullImage("127.0.0.1:1/tyger-test/nope:1", { timeout: "60 seconds" })))
    assert.equal(refused.reason, "ImageMissing")
    assert.match(refused.message, /^Could not pull image '127\.0\.0\.1:1\/tyger-test\/nope:1': .*connection refused/)
    // A "registry" that accepts connections and never answers: only our time limit ends this pull.
    const sockets = new Set<net.Socket>()
    const silent = net.createServer((socket) => void sockets.add(socket))
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve))
    try {
      const port = (silent.address() as net.AddressInfo).port
      const hung = Date.now()
      const timedOut = await failure(Stream.runDrain(d().pullImage(`127.0.0.1:${port}/tyger-test/nope:1`, { timeout: "2 seconds" })))
      assert.equal(timedOut.reason, "Timeout", timedOut.message)
      assert.match(timedOut.message, /did not finish within 2s/)
      assert.ok(Date.now() - hung >= 1_900 && sockets.size > 0, "the engine never dialled the silent registry")
    } finally {
      for (const socket of sockets) socket.destroy()
      silent.close()
    }
    assert.ok(Date.now() - started < 30_000, `pulls took ${Date.now() - started} ms`)
  })
})
