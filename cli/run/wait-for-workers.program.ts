import { Clock, Duration, Effect, Result } from "effect"
import * as GoDuration from "../../model/GoDuration.ts"
import * as TcpProbe from "../../engine/runs/TcpProbe.ts"
import { CliError, invalidArguments } from "../CliError.ts"
import * as Pflag from "../Pflag.ts"
import type { Flags } from "../BaseCommand.ts"
import type { RunWaitForWorkersCommand } from "./wait-for-workers.ts"

/** Tyger's worker-waiter polls once a second. */
const POLL_INTERVAL = Duration.seconds(1)
/** One connection attempt; a SYN to a pod not yet listening is answered at once, a lost one never. */
const ATTEMPT_TIMEOUT_MILLIS = 2_000

interface Target {
  /** As given: what the messages name. */
  readonly text: string
  readonly host: string
  /** Absent: the host only has to resolve. */
  readonly port?: number
}

const parseTarget = (text: string): Result.Result<Target, string> => {
  const bad = (why: string) => Result.fail(`invalid worker address ${Pflag.goQuote(text)}: ${why}`)
  // `[v6]:port`, `host:port`, or a bare host (an IPv6 literal has several colons and no port).
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text)
  const colon = text.lastIndexOf(":")
  const [host, port] = bracketed !== null
    ? [bracketed[1]!, bracketed[2]]
    : colon >= 0 && text.indexOf(":") === colon
    ? [text.slice(0, colon), text.slice(colon + 1)]
    : [text, undefined]
  if (host === "") return bad("missing host")
  if (port === undefined) return Result.succeed({ text, host })
  const number = /^\d{1,5}$/.test(port) ? Number(port) : Number.NaN
  if (!(number >= 1 && number <= 65535)) return bad(`invalid port ${Pflag.goQuote(port)}`)
  return Result.succeed({ text, host, port: number })
}

/** `undefined` once the target answers, else why not. */
const probe = (target: Target, timeoutMillis: number): Effect.Effect<string | undefined> =>
  TcpProbe.probe(target.host, target.port, timeoutMillis)

const timeoutOf = (value: string | undefined) => {
  if (value === undefined || value === "") return Effect.succeed(undefined)
  const parsed = GoDuration.parseDuration(value)
  if (Result.isFailure(parsed)) {
    return Effect.fail(invalidArguments(Pflag.invalidArgument(value, Pflag.flagLabel("timeout"), parsed.failure)))
  }
  return Effect.succeed(parsed.success > 0n ? Number(parsed.success / 1_000_000n) : undefined)
}

/**
 * `tyger run wait-for-workers --timeout D TARGET...`, the init container of a distributed run's job pod (the argv is
 * fixed in providers/kubernetes/Contract.ts). Tyger's worker-waiter watches the workers' pods until they are Ready,
 * which needs `list` on pods; a TCP check of every worker endpoint (or a DNS lookup of every worker name, which the
 * headless Service publishes only for Ready pods) needs no Kubernetes API access and also proves the program listens.
 */
export const waitForWorkers = Effect.fn("run.waitForWorkers")(function*(flags: Flags<RunWaitForWorkersCommand>) {
  const timeoutMillis = yield* timeoutOf(flags.timeout)
  if (flags.targets.length === 0) {
    return yield* invalidArguments("requires at least 1 arg(s), only received 0")
  }
  const targets: Array<Target> = []
  for (const text of flags.targets) {
    const parsed = parseTarget(text)
    if (Result.isFailure(parsed)) return yield* invalidArguments(parsed.failure)
    targets.push(parsed.success)
  }
  const start = yield* Clock.currentTimeMillis
  const deadline = timeoutMillis === undefined ? Number.POSITIVE_INFINITY : start + timeoutMillis
  yield* Effect.logInfo(`Waiting for ${targets.length} worker address(es)`)
  // Each target's latest answer: the message at the deadline says why each one that never answered did not.
  let pending = targets.map((target) => ({ target, reason: "not tried" }))
  for (;;) {
    const round = yield* Clock.currentTimeMillis
    // An attempt never runs past the deadline by more than a moment: the verdict is due then.
    const attempt = Math.max(100, Math.min(ATTEMPT_TIMEOUT_MILLIS, deadline - round))
    const answers = yield* Effect.forEach(pending, ({ target }) => probe(target, attempt), { concurrency: "unbounded" })
    const next: typeof pending = []
    for (const [i, reason] of answers.entries()) {
      const { target } = pending[i]!
      if (reason === undefined) yield* Effect.logInfo(`Worker ${target.text} is up`)
      else next.push({ target, reason })
    }
    pending = next
    if (pending.length === 0) return
    yield* Effect.logDebug(`Still waiting for ${pending.map(({ target }) => target.text).join(", ")}`)
    const now = yield* Clock.currentTimeMillis
    if (now >= deadline) break
    const wait = Math.min(Math.max(0, round + Duration.toMillis(POLL_INTERVAL) - now), deadline - now)
    yield* Effect.sleep(Duration.millis(wait))
  }
  const what = pending.map(({ target, reason }) =>
    target.port === undefined
      ? `worker host ${target.host} did not resolve (${reason})`
      : `worker host ${target.host} did not accept a connection on ${target.text} (${reason})`
  )
  return yield* new CliError({
    reason: "InvalidInput",
    messages: [`timed out after ${flags.timeout} waiting for workers: ${what.join("; ")}`]
  })
})
