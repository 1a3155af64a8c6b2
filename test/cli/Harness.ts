// Runs the real clipanion Cli in-process with captured stdout/stderr (clipanion's tests/tools.ts pattern).
import { PassThrough } from "node:stream"
import { buffer as collect } from "node:stream/consumers"
import * as Cli from "../../cli/Cli.ts"

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface RunOptions {
  readonly dataDir: string
  readonly cwd?: string
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Pretend stdout is a terminal (Tyger colours warnings then). */
  readonly terminal?: boolean
  /** What stdin delivers (then its end); nothing and an open end when absent. */
  readonly stdin?: string | Uint8Array
  readonly stdinTerminal?: boolean
  readonly stderrTerminal?: boolean
}

const stream = (terminal: boolean | undefined) => Object.assign(new PassThrough(), terminal === true ? { isTTY: true } : {})

/** `tyger --data-dir <dataDir> ...args`, with stdout's bytes as they were written too. */
export const tygerWith = async (
  options: RunOptions,
  ...args: ReadonlyArray<string>
): Promise<CliResult & { readonly bytes: Uint8Array }> => {
  const stdin = stream(options.stdinTerminal)
  const stdout = stream(options.terminal)
  const stderr = stream(options.stderrTerminal)
  if (options.stdin !== undefined) stdin.end(options.stdin)
  const out = collect(stdout)
  const err = collect(stderr)
  const code = await Cli.run(["--data-dir", options.dataDir, ...args], {
    stdin,
    stdout,
    stderr,
    env: options.env ?? {},
    colorDepth: 1,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd })
  })
  stdout.end()
  stderr.end()
  const bytes = new Uint8Array(await out)
  return { code, bytes, stdout: new TextDecoder().decode(bytes), stderr: new TextDecoder().decode(await err) }
}

/** `tyger --data-dir <dataDir> ...args` */
export const tyger = async (options: RunOptions, ...args: ReadonlyArray<string>): Promise<CliResult> => {
  const { code, stdout, stderr } = await tygerWith(options, ...args)
  return { code, stdout, stderr }
}
