import { Effect } from "effect"
import * as Fs from "node:fs"
import type { BlobStoreError, Container } from "../../../engine/buffers/BlobStore.ts"
import { fromBlobStoreError } from "../../../engine/buffers/BufferDataError.ts"
import * as BufferReader from "../../../engine/buffers/BufferReader.ts"
import * as BufferWriter from "../../../engine/buffers/BufferWriter.ts"
import { O_RDONLY, O_WRONLY, openWhenRead, wakeOpens } from "../../../engine/pipes/Fifo.ts"
import type { Latch } from "../../../engine/pipes/Latch.ts"
import { type Open, refreshing, unbound } from "./AccessUrl.ts"
import { Canceled, fatal, messageOf } from "./SidecarError.ts"

/**
 * `input` reads a buffer into the FIFO `main` reads, `output` writes what `main` writes into its FIFO to a buffer.
 * The sidecar is a process of its own, so its reads and writes simply block in threads; what must not block forever
 * is an open(2) of a FIFO whose other end `main` never opens: the input side waits for a reader with non-blocking
 * opens, and once main is gone (`gone`) both sides open and close the other end until the transfer ends, which
 * releases an open still blocked in our reading or writing thread (engine/pipes/Fifo.ts).
 */

/** `stopping` succeeds when the pod is stopping (SIGTERM): the transfer is interrupted and fails as Tyger's does. */
export type Stopping = Effect.Effect<void>

const wakeOpensOnceGone = (path: string, otherEnd: number, gone: Latch) =>
  Effect.acquireRelease(Effect.sync(() => wakeOpens(path, otherEnd, gone.promise)), (stop) => Effect.sync(stop))

/** Runs a transfer until it ends or the pod stops; failures are Tyger's FTL. */
const transfer = <E>(run: Effect.Effect<void, E>, failure: string, stopping: Stopping) =>
  Effect.raceFirst(run, Effect.andThen(stopping, Effect.andThen(Effect.logWarning("Canceling..."), Effect.fail(new Canceled())))).pipe(
    Effect.catch((error) => fatal(failure, error))
  )

const accessFailed = (error: BlobStoreError) => fatal("Unable to access buffer", fromBlobStoreError("access")(error))

export const input = Effect.fnUntraced(function*(urlFile: string, pipe: string, open: Open, gone: Latch, stopping: Stopping) {
  // Main may end before the URL is bound: then nothing will ever read the pipe.
  const container = yield* Effect.raceFirst(
    Effect.map(refreshing(urlFile, open), (c): Container | undefined => c).pipe(Effect.catch(accessFailed)),
    Effect.as(Effect.promise(() => gone.promise), undefined)
  )
  const probe = container === undefined ? undefined : yield* Effect.tryPromise({
    try: () => openWhenRead(pipe, gone),
    catch: (cause) => `open ${pipe}: ${messageOf(cause)}`
  }).pipe(Effect.catch((error) => fatal("Unable to open output file for writing", error)))
  if (container === undefined || probe === undefined) return yield* Effect.logWarning("OpenFile operation canceled. Exiting.")
  yield* wakeOpensOnceGone(pipe, O_RDONLY, gone)
  // The probe keeps a writer on the pipe until the sink has written everything; main sees end-of-file after both.
  yield* transfer(BufferReader.read(container, BufferReader.toFile(pipe)), "Failed to read buffer", stopping).pipe(
    Effect.ensuring(Effect.sync(() => Fs.closeSync(probe)))
  )
}, Effect.scoped)

/**
 * Fails once main is gone while `urlFile` still holds a placeholder: nothing can write that buffer any more, and the
 * Job's deadline is far off. With a URL there, it waits for `refreshing` to decide (main may have written nothing).
 */
const goneWhileUnbound = (urlFile: string, gone: Latch) =>
  Effect.promise(() => gone.promise).pipe(
    Effect.andThen(unbound(urlFile)),
    Effect.catch(accessFailed),
    Effect.flatMap((placeholder) =>
      placeholder === undefined
        ? Effect.never
        : fatal("main exited before the buffer's access URL was known", `${urlFile} still holds '${placeholder}': main's output is lost`)
    )
  )

export const output = Effect.fnUntraced(function*(urlFile: string, pipe: string, open: Open, gone: Latch, stopping: Stopping) {
  const container = yield* Effect.raceFirst(refreshing(urlFile, open).pipe(Effect.catch(accessFailed)), goneWhileUnbound(urlFile, gone))
  // The reading thread waits in open(2) until main opens its end. If main ends without ever opening it, the
  // unblocking writer gives that open an empty pipe: the buffer is written empty and complete, as Tyger does.
  yield* wakeOpensOnceGone(pipe, O_WRONLY, gone)
  yield* transfer(BufferWriter.write(container, BufferWriter.fromFile(pipe)), "Failed to write buffer", stopping)
}, Effect.scoped)
