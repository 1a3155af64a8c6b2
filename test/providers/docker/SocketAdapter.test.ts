// The monitor's socket adapter against programs played by local TCP servers: an uppercasing echo (Tyger's
// `nc -l -p PORT -e sh -c 'tr a-z A-Z'`), a late listener, no listener at all, a program that resets the connection,
// a slow output buffer, and runs without an input or an output buffer.
import assert from "node:assert/strict"
import { spawn } from "node:child_process"
import * as Net from "node:net"
import { describe, test } from "node:test"
import { collect } from "../../../engine/buffers/BufferReader.ts"
import { Latch } from "../../../engine/pipes/Latch.ts"
import * as SocketAdapter from "../../../providers/docker/internal/SocketAdapter.ts"

const HOST = "127.0.0.1"
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
const bytesOf = (s: string) => new TextEncoder().encode(s)
const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis))

/** `promise`, or a failure after `millis`: a broken adapter must fail its test rather than hang it. */
const within = <A>(promise: Promise<A>, millis = 10_000): Promise<A> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${millis} ms`)), millis)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

/** A server whose connections `program` handles; `close` also drops its connections. */
const serve = async (program: (socket: Net.Socket) => void, port = 0) => {
  const sockets = new Set<Net.Socket>()
  const server = Net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket)
    socket.on("error", () => undefined)
    program(socket)
  })
  await new Promise<void>((resolve) => server.listen(port, HOST, resolve))
  return {
    port: (server.address() as Net.AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy()
      return new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** A port nothing listens on (for a while). */
const freePort = async () => {
  const server = await serve(() => undefined)
  await server.close()
  return server.port
}

/** Reads until the adapter's end, then answers in upper case and ends: `tr a-z A-Z`. */
const upperEcho = (socket: Net.Socket) => {
  const chunks: Array<Buffer> = []
  socket.on("data", (chunk: Buffer) => chunks.push(chunk))
  socket.on("end", () => socket.end(Buffer.concat(chunks).toString("latin1").toUpperCase()))
}

/**
 * A program (a Node process: Deno's own half-open server sockets fail writes that wait on a slow peer) that sends
 * `total` bytes of a pattern once the adapter's input has ended, then ends; `finished`: when it had sent them all.
 */
const bigOutput = async (total: number) => {
  const script = `
    const net = require("node:net")
    const server = net.createServer({ allowHalfOpen: true }, (socket) => {
      socket.on("data", () => undefined)
      socket.on("end", async () => {
        const size = 1 << 16
        const pattern = Uint8Array.from({ length: size + 251 }, (_, i) => i % 251)
        for (let sent = 0; sent < ${total}; sent += size) {
          if (!socket.write(pattern.slice(sent % 251, sent % 251 + size))) {
            await new Promise((resolve) => socket.once("drain", resolve))
          }
        }
        socket.end(() => console.log("finished"))
      })
    })
    server.listen(0, "${HOST}", () => console.log(server.address().port))`
  const child = spawn("node", ["-e", script], { stdio: ["ignore", "pipe", "inherit"] })
  const lines: Array<string> = []
  let wake = () => {}
  let buffered = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    buffered += chunk
    const parts = buffered.split("\n")
    buffered = parts.pop() ?? ""
    lines.push(...parts)
    wake()
  })
  const line = async (index: number): Promise<string> => {
    while (lines.length <= index) await new Promise<void>((resolve) => (wake = resolve))
    return lines[index]!
  }
  return {
    port: Number(await line(0)),
    finished: line(1).then(() => Date.now()),
    kill: () => child.kill()
  }
}

const failsWith = (reason: SocketAdapter.Reason, message: string) => (error: unknown) => {
  assert.ok(error instanceof SocketAdapter.SocketAdapterError, `not a SocketAdapterError: ${String(error)}`)
  assert.equal(error.reason, reason)
  assert.ok(error.message.startsWith(message), error.message)
  return true
}

describe("SocketAdapter", () => {
  test("input to the program, then a half-close; its answer to the output until the connection's end", async () => {
    const server = await serve(upperEcho)
    try {
      const output = collect()
      const adapter = SocketAdapter.adapt({ host: HOST, port: server.port, input: true, output, gone: new Latch() })
      assert.ok(adapter.input !== undefined)
      await adapter.input.write(bytesOf("hello "))
      await adapter.input.write(bytesOf("world"))
      await adapter.input.close()
      await within(adapter.input.end())
      await within(adapter.done)
      assert.equal(text(output.bytes()), "HELLO WORLD")
    } finally {
      await server.close()
    }
  })

  test("retries until the program listens", async () => {
    const port = await freePort()
    const output = collect()
    const started = Date.now()
    const adapter = SocketAdapter.adapt({ host: HOST, port, input: true, output, gone: new Latch() })
    await sleep(400)
    const server = await serve(upperEcho, port)
    try {
      assert.ok(adapter.input !== undefined)
      await adapter.input.write(bytesOf("late"))
      await within(adapter.input.end())
      await within(adapter.done)
      assert.equal(text(output.bytes()), "LATE")
      assert.ok(Date.now() - started >= 400)
    } finally {
      await server.close()
    }
  })

  test("a program that exited without listening fails the adapter at once, long before the connection timeout", async () => {
    const port = await freePort()
    const gone = new Latch()
    const adapter = SocketAdapter.adapt({
      host: HOST,
      port,
      input: true,
      output: collect(),
      gone,
      connectTimeoutMillis: 5000
    })
    assert.ok(adapter.input !== undefined)
    const write = adapter.input.write(bytesOf("never read"))
    const started = Date.now()
    setTimeout(() => gone.open(), 300)
    const exited = failsWith("ProgramExited", `Failed to connect to address ${HOST}:${port}`)
    await assert.rejects(within(adapter.done), exited)
    await assert.rejects(write, exited)
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`)
  })

  test("nothing listening within the connection timeout: Tyger's message", async () => {
    const port = await freePort()
    const adapter = SocketAdapter.adapt({
      host: HOST,
      port,
      input: false,
      gone: new Latch(),
      connectTimeoutMillis: 400
    })
    await assert.rejects(within(adapter.done), (error: unknown) => {
      failsWith("ConnectTimeout", "Timeout exceeded. Failed to connect to address.")(error)
      assert.match((error as Error).message, /ECONNREFUSED/)
      return true
    })
  })

  test("a program that resets the connection while the input is written fails the input copy", async () => {
    const server = await serve((socket) => {
      let seen = 0
      socket.on("data", (chunk: Buffer) => {
        seen += chunk.length
        if (seen >= 1 << 20) socket.resetAndDestroy()
      })
    })
    try {
      const output = collect()
      const adapter = SocketAdapter.adapt({ host: HOST, port: server.port, input: true, output, gone: new Latch() })
      const input = adapter.input
      assert.ok(input !== undefined)
      const copy = "Failed to copy from input file to socket"
      await assert.rejects(
        within((async () => {
          for (let i = 0; i < 4096; i++) await input.write(new Uint8Array(1 << 16).fill(97))
          await input.end()
        })()),
        failsWith("InputCopy", copy)
      )
      await assert.rejects(within(adapter.done), failsWith("InputCopy", copy))
    } finally {
      await server.close()
    }
  })

  test("an input that fails mid-way resets the connection: the program never reads a clean end", async () => {
    let outcome: (value: string) => void = () => {}
    const seen = new Promise<string>((resolve) => (outcome = resolve))
    const server = await serve((socket) => {
      socket.on("data", () => undefined)
      socket.on("end", () => outcome("end"))
      socket.on("error", (error: NodeJS.ErrnoException) => outcome(error.code ?? "error"))
    })
    try {
      const adapter = SocketAdapter.adapt({ host: HOST, port: server.port, input: true, gone: new Latch() })
      assert.ok(adapter.input !== undefined)
      await adapter.input.write(bytesOf("half of the"))
      // A buffer reader closes its sink when its read fails too: that alone must not end the connection.
      await adapter.input.close()
      await sleep(100)
      adapter.input.abort(new Error("blob 3 is missing"))
      assert.equal(await within(seen), "ECONNRESET")
      await assert.rejects(within(adapter.done), (error: unknown) => {
        failsWith("InputCopy", "Failed to copy from input file to socket: blob 3 is missing")(error)
        return true
      })
    } finally {
      await server.close()
    }
  })

  test("a stalled output sink holds the program back, then receives every byte in order, one write at a time", async () => {
    const total = 20 << 20
    const program = await bigOutput(total)
    try {
      let received = 0
      let writing = 0
      let mismatch: number | undefined
      let closed = false
      let stallEnded = Number.POSITIVE_INFINITY
      const output = {
        write: async (chunk: Uint8Array) => {
          assert.equal(++writing, 1, "the sink got a write while one was pending")
          for (let i = 0; i < chunk.length && mismatch === undefined; i++) {
            if (chunk[i] !== (received + i) % 251) mismatch = received + i
          }
          received += chunk.length
          if (stallEnded === Number.POSITIVE_INFINITY) {
            // Without backpressure the program would send everything into the adapter's memory meanwhile.
            await sleep(500)
            stallEnded = Date.now()
          }
          writing--
        },
        close: async () => {
          // The last chunks are written by now; a buffer's sink still has to finish them.
          await sleep(50)
          closed = true
        }
      }
      const adapter = SocketAdapter.adapt({ host: HOST, port: program.port, input: false, output, gone: new Latch() })
      await within(adapter.done)
      assert.equal(mismatch, undefined)
      assert.equal(received, total)
      assert.ok(closed, "the adapter was done before its output sink closed")
      const finished = await program.finished
      assert.ok(finished >= stallEnded, `the program sent everything ${stallEnded - finished} ms before the sink took it`)
    } finally {
      program.kill()
    }
  })

  test("no input: the connection's sending side ends at once, and the output is still copied", async () => {
    const server = await serve((socket) => socket.on("end", () => socket.end("saw your end")))
    try {
      const output = collect()
      const adapter = SocketAdapter.adapt({ host: HOST, port: server.port, input: false, output, gone: new Latch() })
      assert.equal(adapter.input, undefined)
      await within(adapter.done)
      assert.equal(text(output.bytes()), "saw your end")
    } finally {
      await server.close()
    }
  })

  test("no output: what the program sends is read to its end and discarded", async () => {
    const server = await serve((socket) => {
      socket.on("data", () => undefined)
      socket.on("end", () => socket.end(new Uint8Array(8 << 20)))
    })
    try {
      const adapter = SocketAdapter.adapt({ host: HOST, port: server.port, input: true, gone: new Latch() })
      assert.ok(adapter.input !== undefined)
      await adapter.input.write(bytesOf("ignored"))
      await within(adapter.input.end())
      await within(adapter.done)
    } finally {
      await server.close()
    }
  })

  test("a program that never ends its side keeps the adapter going until it is stopped", async () => {
    const server = await serve((socket) => socket.on("data", () => undefined))
    try {
      const adapter = SocketAdapter.adapt({ host: HOST, port: server.port, input: false, gone: new Latch() })
      const outcome = await Promise.race([adapter.done.then(() => "done", () => "failed"), sleep(300).then(() => "going")])
      assert.equal(outcome, "going")
      adapter.stop(new Error("the run was canceled"))
      await assert.rejects(within(adapter.done), failsWith("Stopped", "The socket adapter was stopped: the run was canceled"))
    } finally {
      await server.close()
    }
  })
})
