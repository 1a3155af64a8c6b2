import type { Usage } from "clipanion"
import * as FlagHelp from "./FlagHelp.ts"

/**
 * The commands as help and completion see them: cobra's tree (`tyger` → `run` → `create`) rebuilt from clipanion's
 * registrations, which know each command only as a list of paths. A command's first path is its name; its other paths
 * give the aliases of its last word (`run show` → `get`, `run` → `runs`). A path word starting with `-` is a flag of
 * the root (`--version`, `-h`), not a command. A command without usage text is hidden, as clipanion hides it.
 */

/** What a command's positional arguments name, so that completion can offer them. */
export interface Operands {
  readonly of: "run" | "buffer" | "codespec" | "workflow" | "file"
  /** Whether it takes more than one (`buffer delete ID…`). */
  readonly many?: boolean
}

/** clipanion's usage, with what a cobra command also says about itself. */
export interface CommandUsage extends Usage {
  /**
   * The synopsis after the parent's path, as Tyger's `Use` writes it (`show ID`, `list [--limit COUNT]`). Without
   * one, help shows the command's name and `[flags]`, as cobra does; an empty one marks a command that only groups
   * others (cobra's command that is not runnable: help shows no usage line of its own).
   */
  readonly use?: string
  readonly operands?: Operands
}

export interface Flag {
  readonly long: string | undefined
  readonly short: string | undefined
  /** The value's name; undefined for a boolean flag. */
  readonly value: string | undefined
  readonly choices: ReadonlyArray<string>
  readonly description: string
  readonly hidden: boolean
  readonly global: boolean
}

export interface Command {
  readonly path: ReadonlyArray<string>
  readonly name: string
  readonly aliases: ReadonlyArray<string>
  readonly usage: CommandUsage | undefined
  readonly hidden: boolean
  readonly flags: ReadonlyArray<Flag>
  readonly commandClass: unknown
}

/** A registration, as clipanion's `Cli` keeps it. */
export interface Registered {
  readonly commandClass: { readonly usage?: Usage | undefined }
  readonly paths: ReadonlyArray<ReadonlyArray<string>>
  readonly options: ReadonlyArray<FlagHelp.Declared & { readonly description?: string | undefined; readonly hidden: boolean }>
}

export interface Tree {
  /** In registration order, which is the order help lists them in. */
  readonly commands: ReadonlyArray<Command>
  /** Root flags that are commands of their own (`-v, --version`). */
  readonly rootFlags: ReadonlyArray<Flag>
}

const isFlagWord = (word: string) => word.startsWith("-")

const flagOf = (option: Registered["options"][number]): Flag => {
  const note = FlagHelp.noteOf(option)
  return {
    long: option.names.find((n) => n.startsWith("--")),
    short: option.names.find((n) => /^-[^-]/.test(n)),
    value: note.value,
    choices: note.choices,
    description: option.description ?? "",
    hidden: option.hidden,
    global: note.global
  }
}

export const make = (registered: ReadonlyArray<Registered>): Tree => {
  const commands: Array<Command> = []
  const rootFlags: Array<Flag> = []
  for (const { commandClass, paths, options } of registered) {
    const [first] = paths
    if (first === undefined || first.length === 0) continue
    const usage = commandClass.usage as CommandUsage | undefined
    if (first.every(isFlagWord)) {
      const names = paths.flat()
      if (usage !== undefined) {
        rootFlags.push({
          long: names.find((n) => n.startsWith("--")),
          short: names.find((n) => /^-[^-]/.test(n)),
          value: undefined,
          choices: [],
          description: usage.description ?? "",
          hidden: false,
          global: false
        })
      }
      continue
    }
    const name = first[first.length - 1]!
    const aliases = [...new Set(paths.filter((p) => p.length === first.length).map((p) => p[p.length - 1]!))]
      .filter((word) => word !== name && !isFlagWord(word))
    commands.push({ path: first, name, aliases, usage, hidden: usage === undefined, flags: options.map(flagOf), commandClass })
  }
  return { commands, rootFlags }
}

const samePath = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) => a.length === b.length && a.every((w, i) => w === b[i])

/** The commands directly under `path` (the root's for `[]`), hidden ones included. */
export const children = (tree: Tree, path: ReadonlyArray<string>): ReadonlyArray<Command> =>
  tree.commands.filter((c) => c.path.length === path.length + 1 && samePath(c.path.slice(0, path.length), path))

/** The visible commands under `path`: those help lists and completion offers. */
export const available = (tree: Tree, path: ReadonlyArray<string>): ReadonlyArray<Command> =>
  children(tree, path).filter((c) => !c.hidden)

/** The command under `path` that `word` names, by its name or an alias. */
export const child = (tree: Tree, path: ReadonlyArray<string>, word: string): Command | undefined =>
  children(tree, path).find((c) => c.name === word || c.aliases.includes(word))

/**
 * The command `words` name, as cobra's `Find` walks them: each word selects a subcommand while one matches; the first
 * that does not ends the walk (it is an argument). `undefined` when the first word names no command.
 */
export const find = (tree: Tree, words: ReadonlyArray<string>): Command | undefined => {
  let found: Command | undefined
  for (const word of words) {
    const next = child(tree, found?.path ?? [], word)
    if (next === undefined) break
    found = next
  }
  return found
}

export const byClass = (tree: Tree, commandClass: unknown): Command | undefined =>
  tree.commands.find((c) => c.commandClass === commandClass)

/** The global flags, as every command declares them (through BaseCommand). */
export const globalFlags = (tree: Tree): ReadonlyArray<Flag> =>
  tree.commands.find((c) => c.flags.some((f) => f.global))?.flags.filter((f) => f.global) ?? []
