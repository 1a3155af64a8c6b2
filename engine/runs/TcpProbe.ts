import { Duration, Effect } from "effect"
import * as Dns from "node:dns"
import * as Net from "node:net"

/** A refusal or a failed lookup in the words a user reads in a run's status reason. */
export const reasonOf = (error: unknown): string => {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused"
    case "ENOTFOUND":
    case "EAI_NONAME":
    case "EAI_AGAIN":
      return "no such host"
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
      return "no answer"
  }
  return error instanceof Error ? error.message : String(error)
}

/**
 * One attempt to reach a worker: a TCP connection to `host:port`, or (without a port) a DNS lookup of `host`.
 * `undefined` once it answers, else why not; never longer than `timeoutMillis` (a lost SYN is never answered).
 */
export const probe = (host: string, port: number | undefined, timeoutMillis: number): Effect.Effect<string | undefined> => {
  const attempt = port === undefined
    ? Effect.tryPromise({ try: () => Dns.promises.lookup(host), catch: reasonOf }).pipe(
      Effect.as(undefined),
      Effect.catch((reason) => Effect.succeed(reason))
    )
    : Effect.callback<string | undefined>((resume) => {
      const socket = Net.connect({ host, port })
      socket.once("connect", () => {
        socket.destroy()
        resume(Effect.succeed(undefined))
      })
      socket.once("error", (error) => resume(Effect.succeed(reasonOf(error))))
      return Effect.sync(() => socket.destroy())
    })
  return attempt.pipe(
    Effect.timeoutOption(Duration.millis(timeoutMillis)),
    Effect.map((answer) => answer._tag === "Some" ? answer.value : "no answer")
  )
}
