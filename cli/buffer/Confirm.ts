import { Effect } from "effect"
import type { Readable, Writable } from "node:stream"
import { CliError } from "../CliError.ts"
import { isTerminal } from "../output/Progress.ts"

/** The terminal a confirmation is asked on. */
export interface Terminal {
  readonly stdin: Readable
  readonly stderr: Writable
}


/** One line of `stdin` (without its end of line); what was read before the end of the input if no newline came. */
const readLine = (stdin: Readable): Effect.Effect<string> =>
  Effect.callback<string>((resume) => {
    let line = ""
    const onData = (chunk: string | Uint8Array) => {
      line += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk)
      const end = line.indexOf("\n")
      if (end >= 0) resume(Effect.succeed(line.slice(0, end).replace(/\r$/, "")))
    }
    const onEnd = () => resume(Effect.succeed(line))
    stdin.on("data", onData)
    stdin.once("end", onEnd)
    stdin.resume()
    return Effect.sync(() => {
      stdin.off("data", onData)
      stdin.off("end", onEnd)
      // A paused stdin lets the process exit.
      stdin.pause()
    })
  })

/**
 * Tyger's confirmation prompt (promptkit, default No). It needs a terminal: without one, nothing could answer, so the
 * command fails and says how to go on without the question.
 */
export const confirm = Effect.fn("buffer.confirm")(function*(terminal: Terminal, question: string) {
  if (!isTerminal(terminal.stdin)) {
    return yield* new CliError({
      reason: "InvalidArguments",
      messages: [`cannot ask "${question}": the standard input is not a terminal; use --force to go ahead without asking`]
    })
  }
  terminal.stderr.write(`${question} [y/N] `)
  const answer = yield* readLine(terminal.stdin)
  return /^\s*y(es)?\s*$/i.test(answer)
})
