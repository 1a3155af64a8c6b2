// Runs the real clipanion Cli in-process with captured stdout/stderr (clipanion's tests/tools.ts pattern).
import { PassThrough } from "node:stream"
import { text } from "node:stream/consumers"
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
}

/** `tyger --data-dir <dataDir> ...args` */
export const tyger = async (options: RunOptions, ...args: ReadonlyArray<string>): Promise<CliResult> => {
  const stdout = Object.assign(new PassThrough(), options.terminal === true ? { isTTY: true } : {})
  const stderr = new PassThrough()
  const out = text(stdout)
  const err = text(stderr)
  const code = await Cli.run(["--data-dir", options.dataDir, ...args], {
    stdin: new PassThrough(),
    stdout,
    stderr,
    env: options.env ?? {},
    colorDepth: 1,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd })
  })
  stdout.end()
  stderr.end()
  return { code, stdout: await out, stderr: await err }
}
