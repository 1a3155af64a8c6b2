// `tyger run wait-for-workers`, in-process (so under each runtime's own sockets and DNS), against local TCP servers.
import assert from "node:assert/strict"
import * as net from "node:net"
import * as path from "node:path"
import { describe, test } from "node:test"
import { tempDir } from "../../support/Run.ts"
import { tyger } from "../Harness.ts"

const dataDir = path.join(tempDir("tyger-wait-workers-"), "data")
const wait = (...args: ReadonlyArray<string>) => tyger({ dataDir }, "run", "wait-for-workers", ...args)

/** A port nothing listens on (the OS picked it, then it was released). */
const freePort = async (): Promise<number> => {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise((resolve) => server.close(resolve))
  return port
}

const listen = async (port: number): Promise<net.Server> => {
  const server = net.createServer((socket) => socket.destroy())
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve))
  return server
}

describe("tyger run wait-for-workers", () => {
  test("waits until a worker that starts listening after 2 s accepts a connection", async () => {
    const late = await freePort()
    const early = await listen(0)
    let server: net.Server | undefined
    const timer = setTimeout(() => void listen(late).then((s) => (server = s)), 2000)
    try {
      const started = Date.now()
      const result = await wait("--timeout", "20s", `127.0.0.1:${late}`, `127.0.0.1:${(early.address() as net.AddressInfo).port}`)
      const elapsed = Date.now() - started
      assert.equal(result.stderr.includes("Error"), false, result.stderr)
      assert.equal(result.code, 0)
      assert.ok(elapsed >= 1900 && elapsed < 6000, `${elapsed} ms`)
      assert.match(result.stderr, new RegExp(`INF Worker 127\\.0\\.0\\.1:${late} is up\\n`))
    } finally {
      clearTimeout(timer)
      server?.close()
      early.close()
    }
  })

  test("fails after the timeout, naming the worker host and endpoint that never answered", async () => {
    const port = await freePort()
    const started = Date.now()
    const result = await wait("--timeout", "3s", `127.0.0.1:${port}`)
    const elapsed = Date.now() - started
    assert.equal(result.code, 1)
    assert.ok(elapsed >= 2900 && elapsed < 6000, `${elapsed} ms`)
    assert.match(
      result.stderr,
      new RegExp(
        `\\nError: timed out after 3s waiting for workers: worker host 127\\.0\\.0\\.1 did not accept a connection ` +
          `on 127\\.0\\.0\\.1:${port} \\(connection refused\\)\\n$`
      )
    )
  })

  test("a bare host only has to resolve", async () => {
    const result = await wait("--timeout", "10s", "localhost")
    assert.equal(result.code, 0, result.stderr)
    const never = await wait("--timeout", "1s", "no-such-worker.invalid")
    assert.equal(never.code, 1)
    assert.match(never.stderr, /Error: timed out after 1s waiting for workers: worker host no-such-worker\.invalid did not resolve \(.+\)\n$/)
  })

  test("argument errors", async () => {
    const error = async (...args: ReadonlyArray<string>) => {
      const result = await wait(...args)
      assert.equal(result.code, 1)
      return result.stderr
    }
    assert.equal(await error("--timeout", "5s"), "Error: requires at least 1 arg(s), only received 0\n")
    assert.equal(await error("--timeout", "5", "h:1"), 'Error: invalid argument "5" for "--timeout" flag: time: missing unit in duration "5"\n')
    assert.equal(await error("h:99999"), 'Error: invalid worker address "h:99999": invalid port "99999"\n')
    assert.equal(await error(":80"), 'Error: invalid worker address ":80": missing host\n')
  })
})
