import { Effect, Schema } from "effect"
import type { Access } from "../../engine/buffers/BlobStore.ts"
import { Buffers } from "../../engine/buffers/Buffers.ts"
import type { Writable } from "node:stream"
import type { Flags } from "../BaseCommand.ts"
import { CliIo } from "../CliIo.ts"
import { fatal, LoggedFatal } from "../output/Fatal.ts"
import * as Progress from "../output/Progress.ts"
import { exactlyOne, intFlag, sweep } from "./BufferFlags.ts"
import type { BufferReadCommand } from "./read.ts"
import { accessTtlSeconds } from "./access.program.ts"
import { isBrokenPipe } from "./Streams.ts"
import { interrupted } from "./Signals.ts"

/** What `buffer read` and `buffer write` share: Tyger's checks before any data moves, and how a transfer ends. */

/** Tyger's FTL line for a failure, with `error=` in its words (see Errors.logText, loaded only once something failed). */
export const fatalWith = (message: string) => (error: unknown) =>
  Effect.flatMap(Effect.promise(() => import("../Errors.ts")), (Errors) => fatal(message, Errors.logText(error)))

/** `-p, --dop`, parsed with the other flags (before the arguments are checked). */
const dopFlag = (value: string | undefined, fallback: number) => intFlag("dop", "p", value, fallback)

/** Tyger's first check once the command runs, with a fatal log line. */
const checkDop = (dop: number) =>
  dop < 1 ? fatal("the degree of parallelism (dop) must be at least 1") : Effect.void

/**
 * Resolves `{ BUFFER_ID | BUFFER_SAS_URL | FILE_WITH_SAS_URL }` and opens its container; `--access-ttl` is only
 * meaningful for a buffer id. Failures are Tyger's `Unable to access buffer`.
 */
const openTarget = Effect.fnUntraced(function*(
  argument: string,
  access: Access,
  accessTtl: string | undefined,
  cwd: string
) {
  const ttl = yield* accessTtlSeconds(accessTtl)
  const buffers = yield* Buffers
  const target = yield* buffers.resolve(argument, { cwd }).pipe(
    Effect.catch(fatalWith("Unable to access buffer"))
  )
  if (target._tag === "Url" && ttl !== undefined) {
    return yield* fatal("access-ttl is only supported when a buffer ID is specified")
  }
  return yield* buffers.open(target, access).pipe(
    Effect.catch(fatalWith("Unable to access buffer"))
  )
})

/**
 * What `buffer read` and `buffer write` do before their own flags, in Tyger's order: `--dop` parsed, the one
 * argument, `--dop` checked, then the target resolved and opened for `access`.
 */
export const openTransfer = Effect.fnUntraced(function*(
  flags: Pick<Flags<BufferReadCommand>, "positionals" | "dop" | "accessTtl">,
  access: Access,
  defaultDop: number
) {
  const dop = yield* dopFlag(flags.dop, defaultDop)
  const argument = yield* exactlyOne(flags.positionals)
  yield* checkDop(dop)
  yield* sweep
  const { cwd } = yield* CliIo
  const container = yield* openTarget(argument, access, flags.accessTtl, cwd)
  return { dop, container, cwd }
})

/** Go's `context.Canceled`, what Tyger's transfers fail with after Ctrl-C. */
export class Canceled extends Schema.TaggedError<Canceled>()("Canceled", {}) {
  override get message(): string {
    return "context canceled"
  }
}

/**
 * Runs a transfer until it ends or a SIGINT/SIGTERM arrives. A signal interrupts it, which makes a write record
 * `.bufferend` `failed`, so the buffer can never pass for complete; then, as Tyger, `Canceling...` and the failure.
 */
export const transfer = <E>(
  run: (onProgress: (bytes: number) => void) => Effect.Effect<void, E>,
  stderr: Writable,
  verb: string,
  failure: string
) =>
  Effect.gen(function*() {
    const meter = Progress.make(stderr, verb)
    const canceled = interrupted.pipe(
      Effect.andThen(Effect.sync(() => meter.finish(false))),
      Effect.andThen(Effect.logWarning("Canceling...")),
      Effect.andThen(Effect.fail(new Canceled()))
    )
    yield* Effect.raceFirst(run(meter.update), canceled).pipe(
      Effect.tapError(() => Effect.sync(() => meter.finish(false))),
      Effect.catch((error) =>
        // Like Tyger's Go binary killed by SIGPIPE when the reader of its stdout goes away: no message.
        isBrokenPipe(error) ? Effect.fail(new LoggedFatal({ message: "broken pipe" })) : fatalWith(failure)(error)
      )
    )
    meter.finish(true)
  })
