import { Clock, Effect } from "effect"
import * as Fs from "node:fs"
import * as Net from "node:net"
import { fatal, invalidArguments, messageOf } from "./SidecarError.ts"

/** Tyger's socket-adapt retries for 20 minutes; the contract says 10. */
const DIAL_FOR_MILLIS = 600_000

const hostPort = (address: string) => {
  const [, host = "", port = 0] = /^(.*):(\d{1,5})$/.exec(address) ?? []
  return host === "" || +port < 1 || +port > 65535 ? undefined : { host: host.replace(/^\[(.*)\]$/, "$1"), port: +port }
}

const dial = (host: string, port: number) =>
  Effect.callback<Net.Socket, string>((resume) => {
    // Half-open: main may finish answering before our input has all been sent, or the other way round.
    const socket = Net.connect({ host, port, allowHalfOpen: true })
    socket.once("connect", () => resume(Effect.succeed(socket)))
    socket.once("error", (error) => resume(Effect.fail(messageOf(error))))
    return Effect.sync(() => socket.destroy())
  })

const pump = async (socket: Net.Socket, input: string | undefined, output: string | undefined) => {
  const toSocket = async () => {
    if (input !== undefined) {
      for await (const chunk of Fs.createReadStream(input)) {
        if (!socket.write(chunk)) await new Promise((resolve) => socket.once("drain", () => resolve(undefined)))
      }
    }
    socket.end()
  }
  const fromSocket = async () => {
    const sink = output === undefined ? undefined : Fs.createWriteStream(output)
    for await (const chunk of socket) {
      if (sink !== undefined && !sink.write(chunk)) await new Promise((resolve) => sink.once("drain", () => resolve(undefined)))
    }
    if (sink !== undefined) await new Promise<void>((resolve, reject) => sink.once("error", reject).end(() => resolve()))
  }
  try {
    await Promise.all([toSocket(), fromSocket()])
  } finally {
    socket.destroy()
  }
}

/** Tyger's socket-adapt: dials main's port (retrying every second), then input FIFO → socket and socket → output FIFO. */
export const socketAdapt = Effect.fnUntraced(function*(address: string, input: string | undefined, output: string | undefined) {
  const target = hostPort(address)
  if (target === undefined) return yield* invalidArguments(`invalid --address ${address}: expected host:port`)
  const giveUp = (yield* Clock.currentTimeMillis) + DIAL_FOR_MILLIS
  let socket: Net.Socket | undefined
  while (socket === undefined) {
    const dialed = yield* Effect.result(dial(target.host, target.port))
    if (dialed._tag === "Success") socket = dialed.success
    else if ((yield* Clock.currentTimeMillis) > giveUp) return yield* fatal("Timeout exceeded. Failed to connect to address.", dialed.failure)
    else {
      yield* Effect.logWarning(`Failed to connect to address ${address} (${dialed.failure}). Retrying in 1 second`)
      yield* Effect.sleep("1 second")
    }
  }
  yield* Effect.logInfo(`Connected to address ${address}`)
  const connected = socket
  yield* Effect.tryPromise({ try: () => pump(connected, input, output), catch: messageOf }).pipe(
    Effect.catch((error) => fatal("Failed to copy between the socket and the pipes", error))
  )
})
