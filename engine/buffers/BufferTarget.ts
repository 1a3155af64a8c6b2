// What a `{ BUFFER_ID | BUFFER_SAS_URL | FILE_WITH_SAS_URL }` argument of `buffer read`/`write` stands for.
import { Effect } from "effect"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { BufferDataError } from "./BufferDataError.ts"

export type Target =
  | { readonly _tag: "Url"; readonly url: string }
  | { readonly _tag: "BufferId"; readonly id: string }

/** Tyger reads a FILE_WITH_SAS_URL argument only when it is smaller than this. */
const MAX_URL_FILE_SIZE = 2 * 1024

// Go's url.Parse(s).IsAbs(): a scheme (letter, then letters, digits, `+-.`) before the first colon.
const ABSOLUTE_URL = /^[A-Za-z][A-Za-z0-9+.-]*:/

const errorMessage = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))

/** Tyger's argument rules: an absolute URL, a small file holding one, else a buffer id. */
export const resolve = Effect.fn("Buffers.resolve")(function*(argument: string, options?: { readonly cwd?: string }) {
  let text = argument
  const file = Path.resolve(options?.cwd ?? ".", argument)
  const stats = yield* Effect.promise(() => Fs.stat(file).catch(() => undefined))
  if (stats !== undefined && !stats.isDirectory() && stats.size < MAX_URL_FILE_SIZE) {
    const content = yield* Effect.tryPromise({
      try: () => Fs.readFile(file, "utf8"),
      catch: (cause) =>
        new BufferDataError({
          reason: "InvalidAccessUrl",
          message: `unable to read URL string from file ${argument}: ${errorMessage(cause)}`,
          cause
        })
    })
    text = content.replace(/[ \r\n]+$/, "")
  }
  return ABSOLUTE_URL.test(text) ? { _tag: "Url", url: text } satisfies Target : { _tag: "BufferId", id: argument } satisfies Target
})
