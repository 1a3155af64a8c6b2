import * as CommandTree from "./CommandTree.ts"

/**
 * What to offer for the last word of a command line (the one being completed, possibly empty), read as the CLI would
 * read the line: words select subcommands until one does not, flags are skipped with their values, `--` ends the
 * flags. Offered are subcommands, flags, a flag's choices, or the command's operands; names that live in the store
 * (run ids, buffer ids, codespec and workflow names) are left to the caller, which alone may open the store.
 */

export interface Candidate {
  readonly value: string
  readonly description: string
}

export type Stored = "run" | "buffer" | "codespec" | "workflow"

export interface Completion {
  readonly candidates: ReadonlyArray<Candidate>
  /** Store names to offer too, those starting with {@link prefix}. */
  readonly stored: Stored | undefined
  /** Whether the shell should offer file names. */
  readonly files: boolean
  readonly prefix: string
  /** `--data-dir` as given on the line: stored names come from the store the command would use. */
  readonly dataDir: string | undefined
}

const firstLine = (text: string) => text.trim().split("\n")[0] ?? ""

const flagsOf = (tree: CommandTree.Tree, command: CommandTree.Command | undefined): ReadonlyArray<CommandTree.Flag> =>
  (command === undefined ? [...CommandTree.globalFlags(tree), ...tree.rootFlags] : command.flags).filter((f) => !f.hidden)

const lookup = (flags: ReadonlyArray<CommandTree.Flag>, name: string) => flags.find((f) => f.long === name || f.short === name)

/** A flag's value names what it takes: a value name ending in FILE (or Tyger's YAML_SPEC, a DIR) is a path. */
const isPath = (value: string) => /(FILE|YAML_SPEC|DIR|CERTPATH)$/.test(value)

const nothing = { candidates: [], stored: undefined, files: false } as const

export const complete = (tree: CommandTree.Tree, words: ReadonlyArray<string>): Completion => {
  const current = words.at(-1) ?? ""
  let command: CommandTree.Command | undefined
  let topic: ReadonlyArray<string> = []
  let operands = 0
  let dashDash = false
  let pending: CommandTree.Flag | undefined
  let dataDir: string | undefined
  const setValue = (flag: CommandTree.Flag, value: string) => {
    if (flag.long === "--data-dir") dataDir = value
  }
  for (const word of words.slice(0, -1)) {
    if (pending !== undefined) {
      setValue(pending, word)
      pending = undefined
    } else if (!dashDash && word === "--") {
      dashDash = true
    } else if (!dashDash && word.startsWith("-") && word.length > 1) {
      const eq = word.indexOf("=")
      // `-cNAME` holds its value; `-c` alone takes the next word.
      const name = word.startsWith("--") ? (eq < 0 ? word : word.slice(0, eq)) : word.slice(0, 2)
      const flag = lookup(flagsOf(tree, command), name)
      const attached = word.startsWith("--") ? (eq < 0 ? undefined : word.slice(eq + 1)) : word.length > 2 ? word.slice(2) : undefined
      if (flag?.value !== undefined) {
        if (attached === undefined) pending = flag
        else setValue(flag, attached)
      }
    } else if (command?.path.length === 1 && command.path[0] === "help") {
      // `tyger help run cr…`: the words after `help` name a command.
      topic = [...topic, word]
    } else {
      const next = operands === 0 && !dashDash ? CommandTree.child(tree, command?.path ?? [], word) : undefined
      if (next !== undefined) command = next
      else operands++
    }
  }
  const offer = (candidates: ReadonlyArray<Candidate>, more: Partial<Omit<Completion, "candidates">> = {}): Completion => ({
    ...nothing,
    ...more,
    candidates: candidates.filter((c) => c.value.startsWith(current)),
    prefix: current,
    dataDir
  })
  const commandsUnder = (path: ReadonlyArray<string>) =>
    offer(CommandTree.available(tree, path).map((c) => ({ value: c.name, description: firstLine(c.usage?.description ?? "") })))

  if (pending !== undefined) {
    const value = pending.value ?? ""
    if (pending.choices.length > 0) return offer(pending.choices.map((c) => ({ value: c, description: "" })))
    if (value === "CODESPEC") return offer([], { stored: "codespec" })
    return offer([], { files: isPath(value) })
  }
  if (!dashDash && current.startsWith("-")) {
    if (current.includes("=")) return offer([])
    return offer(flagsOf(tree, command).flatMap((f) =>
      [f.long, f.short].filter((n) => n !== undefined).map((n) => ({ value: n, description: firstLine(f.description) }))
    ))
  }
  if (command?.path.length === 1 && command.path[0] === "help") {
    const named = CommandTree.find(tree, topic)
    return named === undefined && topic.length > 0 ? offer([]) : commandsUnder(named?.path ?? [])
  }
  if (operands === 0 && CommandTree.available(tree, command?.path ?? []).length > 0) return commandsUnder(command?.path ?? [])
  const wanted = command?.usage?.operands
  if (wanted === undefined || (operands > 0 && wanted.many !== true)) return offer([])
  return wanted.of === "file" ? offer([], { files: true }) : offer([], { stored: wanted.of })
}
