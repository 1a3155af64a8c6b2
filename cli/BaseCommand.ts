import { type BaseContext, Command, Option } from "clipanion"
import type { Effect } from "effect"
import type { BufferServices, MonitorMode, RunServices, Services } from "./Layers.ts"
import type { CommandUsage, Tree } from "./root/CommandTree.ts"
import * as FlagHelp from "./root/FlagHelp.ts"

/** clipanion's context plus what the CLI needs from the process that started it. */
export interface TygerContext extends BaseContext {
  /** The arguments clipanion parsed, for what it does not keep: where `--` stood. */
  readonly argv?: ReadonlyArray<string>
  /** The directory relative paths are resolved against. @default process.cwd() */
  readonly cwd?: string
  /** The commands of the CLI that runs the command, for `tyger help` and completion (set by TygerCli). */
  readonly commands?: () => Tree
}

/** `tyger <noun> <verb>`, the verb's aliases (`run stop`), and the plural noun Tyger also accepts (`tyger buffers list`). */
export const pathsOf = (noun: string, verb: string, ...aliases: ReadonlyArray<string>): Array<Array<string>> =>
  [noun, `${noun}s`].flatMap((n) => [verb, ...aliases].map((v) => [n, v]))

/**
 * A command's help: its category (Tyger's group), one-line description, and if any its details (the long description),
 * examples, synopsis (`use`, as Tyger's) and what its operands are (for completion).
 */
export const usage = (
  category: string,
  description: string,
  more: Omit<CommandUsage, "category" | "description"> = {}
): CommandUsage => ({ category, description, ...more })

/**
 * The flags of a command class, as its program reads them: the clipanion fields the command declares, without what
 * every command inherits. A program takes `Flags<typeof XCommand.prototype>` (imported as a type, so loading the
 * program never loads the command, nor the command the program), which is how each flag is declared exactly once.
 */
export type Flags<C extends BaseCommand> = Readonly<Omit<C, keyof BaseCommand>>

/**
 * Tyger's persistent flags and the one place commands run their programs. Only clipanion is loaded eagerly: the
 * runtime (Effect, the engine, the store) is imported when a command actually executes, so `--help` stays fast.
 */
export abstract class BaseCommand extends Command<TygerContext> {
  // In Tyger's order (help lists them so), the tyger-ts one last.
  proxy = FlagHelp.global("PROXY", Option.String("--proxy", {
    description: "The HTTP proxy to use. Can be 'auto[matic]', 'none', or a URL. Accepted for compatibility; tyger-ts runs locally."
  }))

  logLevel = FlagHelp.global("LEVEL", Option.String("--log-level", {
    description: "specifies logging level. Can be one of: 'trace', 'debug', 'info', 'warn', or 'error'."
  }), ["trace", "debug", "info", "warn", "error"])

  logFormat = FlagHelp.global("FORMAT", Option.String("--log-format", {
    description:
      "specifies logging format. Can be one of: 'pretty', 'plain', or 'json'. The default is 'pretty' unless stderr is redirected, in which case it will be 'plain'. 'json' is the most efficient."
  }), ["pretty", "plain", "json"])

  dataDir = FlagHelp.global("DIR", Option.String("--data-dir", {
    description: "The tyger-ts data directory (default: $TYGER_TS_DATA_DIR, else $XDG_DATA_HOME/tyger-ts or ~/.local/share/tyger-ts)."
  }))

  /** Tyger prints errors as `Error: <message>` on stderr with exit code 1, never usage, never a stack. */
  override async validateAndExecute(): Promise<number> {
    try {
      return await super.validateAndExecute()
    } catch (error) {
      // The renderer (and Effect with it) is loaded only once something has failed.
      const { messageOf } = await import("./Errors.ts")
      return this.fail([messageOf(error)])
    }
  }

  protected fail(messages: ReadonlyArray<string>): number {
    for (const message of messages) this.context.stderr.write(`Error: ${message}\n`)
    return 1
  }

  private environment() {
    return {
      stdout: this.context.stdout,
      stderr: this.context.stderr,
      env: this.context.env,
      cwd: this.context.cwd ?? process.cwd()
    }
  }

  private globals() {
    return { logLevel: this.logLevel, logFormat: this.logFormat, proxy: this.proxy, dataDir: this.dataDir }
  }

  /** Runs a command's program on the runtime built from the persistent flags and the environment. */
  protected async runProgram(program: Effect.Effect<void, unknown, Services>): Promise<number> {
    const runtime = await import("./Runtime.ts")
    return runtime.run(program, this.environment(), this.globals())
  }

  /** {@link runProgram} for `tyger buffer …` programs: the runtime also has the buffer services. */
  protected async runBufferProgram(program: Effect.Effect<void, unknown, BufferServices>): Promise<number> {
    const runtime = await import("./Runtime.ts")
    return runtime.run(program, this.environment(), this.globals(), { buffers: true })
  }

  /** {@link runProgram} for `tyger run …` programs: the runtime also has the runs engine, with `monitors`. */
  protected async runRunProgram(program: Effect.Effect<void, unknown, RunServices>, monitors: MonitorMode): Promise<number> {
    const runtime = await import("./Runtime.ts")
    return runtime.run(program, this.environment(), this.globals(), { buffers: true, monitors })
  }
}
