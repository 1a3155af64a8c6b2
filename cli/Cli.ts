import { Cli, type Command, type CommandClass } from "clipanion"
import type { Writable } from "node:stream"
import * as Argv from "./Argv.ts"
import type { TygerContext } from "./BaseCommand.ts"
import * as Commands from "./Commands.ts"
import { VERSION } from "./Version.ts"

export type { TygerContext }

// clipanion asks the tty module for a colour depth even when stdout is a pipe; help text piped to a file stays plain.
const colorDepthOf = (stream: Writable): number => {
  const tty = stream as Writable & { readonly isTTY?: boolean; readonly getColorDepth?: () => number }
  return tty.isTTY === true && typeof tty.getColorDepth === "function" ? tty.getColorDepth() : 1
}

/**
 * clipanion with cobra's manners: arguments are read with pflag's grammar (see `argv.ts`), and parse errors are
 * printed as `Error: <message>` on stderr with exit code 1 instead of clipanion's usage dump on stdout.
 */
export class TygerCli extends Cli<TygerContext> {
  private specs(): ReadonlyArray<Argv.CommandSpec> {
    return [...this.registrations.values()].map(({ builder }) => ({ paths: builder.paths, options: builder.options }))
  }

  /** The arguments in clipanion's form for the command they select, or cobra's error. */
  private prepare(input: ReadonlyArray<string>): { readonly argv: ReadonlyArray<string> } | { readonly error: string } {
    const specs = this.specs()
    const selection = Argv.select(input, specs)
    if (selection !== undefined) return selection.error === undefined ? { argv: selection.argv } : { error: selection.error }
    const root = Argv.scan(input, Argv.sharedOptions(specs), [])
    if (root.error !== undefined) return { error: root.error }
    const [unknown] = root.positionals
    return unknown === undefined ? { argv: input } : { error: `unknown command "${unknown}" for "tyger"` }
  }

  override async run(input: Command<TygerContext> | Array<string>, context?: Partial<TygerContext>): Promise<number> {
    if (!Array.isArray(input)) return super.run(input, context ?? {})
    const prepared = this.prepare(input)
    const streams = { ...Cli.defaultContext, ...context }
    const base = { ...streams, colorDepth: context?.colorDepth ?? colorDepthOf(streams.stdout) }
    if ("error" in prepared) {
      base.stderr.write(`Error: ${prepared.error}\n`)
      return 1
    }
    const full = { ...base, argv: prepared.argv }
    let command: Command<TygerContext>
    try {
      command = this.process([...prepared.argv], full)
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
