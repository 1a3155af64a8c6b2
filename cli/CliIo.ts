import { Context, type Effect } from "effect"

/** Where a command's results go, and the terminal facts Tyger's output depends on. */
export class CliIo extends Context.Service<CliIo, {
  /** The directory relative file arguments are resolved against. */
  readonly cwd: string
  readonly out: (text: string) => Effect.Effect<void>
  readonly err: (text: string) => Effect.Effect<void>
  /** Whether Tyger would colour a warning: fatih/color checks that stdout is a terminal and NO_COLOR/TERM=dumb. */
  readonly colors: boolean
  /** Whether stderr is a terminal: `tyger apply` redraws a status table there, and prints lines otherwise. */
  readonly errTerminal: boolean
  /** The data directory, which stands for Tyger's server (`tyger login status`). */
  readonly dataDir: string | undefined
}>()("tyger-ts/cli/CliIo") {}
