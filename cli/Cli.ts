import { Cli, type Command, type CommandClass } from "clipanion"
import type { Writable } from "node:stream"
import * as Argv from "./Argv.ts"
import type { TygerContext } from "./BaseCommand.ts"
import * as Commands from "./Commands.ts"
import * as CommandTree from "./root/CommandTree.ts"
import * as HelpText from "./root/HelpText.ts"
import { didYouMean } from "./root/Suggestions.ts"
import { VERSION } from "./Version.ts"

export type { TygerContext }

// clipanion asks the tty module for a colour depth even when stdout is a pipe; help text piped to a file stays plain.
const colorDepthOf = (stream: Writable): number => {
  const tty = stream as Writable & { readonly isTTY?: boolean; readonly getColorDepth?: () => number }
  return tty.isTTY === true && typeof tty.getColorDepth === "function" ? tty.getColorDepth() : 1
}

/** The hidden command the completion scripts call; its words are the command line being completed, taken as they are. */
const COMPLETE = "__complete"

/**
 * clipanion with cobra's manners: arguments are read with pflag's grammar (see `argv.ts`), parse errors are printed as
 * `Error: <message>` on stderr with exit code 1 instead of clipanion's usage dump on stdout, and help is cobra's
 * (root/HelpText.ts), for `--help` as for `tyger help`.
 */
export class TygerCli extends Cli<TygerContext> {
  private specs(): ReadonlyArray<Argv.CommandSpec> {
    return [...this.registrations.values()].map(({ builder }) => ({ paths: builder.paths, options: builder.options }))
  }

  /** The registered commands as help and completion see them. */
  tree(): CommandTree.Tree {
    return CommandTree.make([...this.registrations].map(([commandClass, { builder }]) => ({
      commandClass,
      paths: builder.paths,
      options: builder.options
    })))
  }

  /** The arguments in clipanion's form for the command they select, or cobra's error (and what cobra adds to it). */
  private prepare(
    input: ReadonlyArray<string>
  ): { readonly argv: ReadonlyArray<string> } | { readonly error: string; readonly hint?: string } {
    if (input[0] === COMPLETE) return { argv: input }
    const specs = this.specs()
    const selection = Argv.select(input, specs)
    if (selection !== undefined) return selection.error === undefined ? { argv: selection.argv } : { error: selection.error }
    const root = Argv.scan(input, Argv.sharedOptions(specs), [])
    if (root.error !== undefined) return { error: root.error }
    const [unknown] = root.positionals
    if (unknown === undefined) return { argv: input }
    // cobra's `Find` fails here, and only there does cobra point at the help.
    const names = CommandTree.available(this.tree(), []).map((c) => c.name)
    return { error: `unknown command "${unknown}" for "tyger"${didYouMean(unknown, names)}`, hint: "Run 'tyger --help' for usage." }
  }

  /** cobra's help for the command (a class or an instance), or the root's; every help request of clipanion ends here. */
  override usage(command: CommandClass<TygerContext> | Command<TygerContext> | null = null): string {
    const tree = this.tree()
    const commandClass = command === null ? undefined : typeof command === "function" ? command : command.constructor
    return HelpText.help(tree, commandClass === undefined ? undefined : CommandTree.byClass(tree, commandClass))
  }

  override async run(input: Command<TygerContext> | Array<string>, context?: Partial<TygerContext>): Promise<number> {
    if (!Array.isArray(input)) return super.run(input, context ?? {})
    const prepared = this.prepare(input)
    const streams = { ...Cli.defaultContext, ...context }
    const base = { ...streams, colorDepth: context?.colorDepth ?? colorDepthOf(streams.stdout) }
    if ("error" in prepared) {
      base.stderr.write(`Error: ${prepared.error}\n${prepared.hint === undefined ? "" : `${prepared.hint}\n`}`)
      return 1
    }
    const full = { ...base, argv: prepared.argv, commands: () => this.tree() }
    let command: Command<TygerContext>
    try {
      // The completion's words are an unfinished command line: its command reads them from `argv`, unparsed.
      command = this.process(input[0] === COMPLETE ? [COMPLETE] : [...prepared.argv], full)
    } catch (error) {
      // The renderer (and Effect with it) is loaded only once something has failed.
      const { messageOf } = await import("./Errors.ts")
      const message = messageOf(error)
      full.stderr.write(`Error: ${message.split("\n")[0] ?? message}\n`)
      return 1
    }
    return super.run(command, full)
  }
}

/** A CLI of `commands`; `colors`: whether help text may use ANSI styles (clipanion otherwise guesses from the environment alone). */
export const make = (
  commands: ReadonlyArray<CommandClass<TygerContext>>,
  options: { readonly colors?: boolean } = {}
): TygerCli => {
  const cli = new TygerCli({
    binaryName: "tyger",
    binaryLabel: "tyger (tyger-ts)",
    binaryVersion: VERSION,
    enableColors: options.colors ?? false
  })
  for (const command of commands) cli.register(command)
  return cli
}

/** Runs the CLI on `argv` (without the executable and script); resolves with the exit code. */
export const run = async (argv: ReadonlyArray<string>, context: Partial<TygerContext> = {}): Promise<number> => {
  const leaf = await Commands.leafOf(argv)
  const commands = leaf === undefined ? await Commands.all() : [leaf]
  return make(commands, { colors: colorDepthOf(context.stdout ?? Cli.defaultContext.stdout) > 1 }).run([...argv], context)
}
