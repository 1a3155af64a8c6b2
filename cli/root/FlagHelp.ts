/**
 * What help and completion say about a flag beyond clipanion's declaration: the name of its value, as Tyger's usage
 * lines write it (`--tag KEY=VALUE`, `--timeout DURATION`; clipanion would print `#0`), the values it takes when they
 * are a closed list (for completion), and whether it is global (one of cobra's persistent flags, which help lists once,
 * under "Global Flags", instead of with every command).
 *
 * It is attached where the flag is declared, by wrapping the clipanion option, so that a flag is still declared
 * exactly once: `tags = FlagHelp.value("KEY=VALUE", Option.Array("--tag", { description }))`. A value flag without a
 * name is shown with its long name in capitals (`--codespec CODESPEC`).
 */
export interface Note {
  readonly value: string | undefined
  readonly choices: ReadonlyArray<string>
  readonly global: boolean
}

/** The parts of clipanion's option definition (`CommandBuilder.options`) this module reads. */
export interface Declared {
  readonly names: ReadonlyArray<string>
  readonly arity: number
}

interface Builder {
  readonly options: ReadonlyArray<Declared>
}

interface OptionSpec {
  readonly definition: (builder: Builder, key: string) => void
}

// Keyed by the definition object clipanion keeps in the command's builder, so that the note lives as long as the
// registration does and nothing is added to clipanion's own objects.
const notes = new WeakMap<Declared, Note>()

const annotate = <T>(note: Note, option: T): T => {
  const spec = option as unknown as OptionSpec
  const wrapped: OptionSpec = {
    // The spread keeps clipanion's marker (a symbol key) and transformer: the option still parses as declared.
    ...spec,
    definition: (builder, key) => {
      const before = builder.options.length
      spec.definition(builder, key)
      for (const added of builder.options.slice(before)) notes.set(added, note)
    }
  }
  return wrapped as unknown as T
}

/** A flag whose value help names `name`; `choices` are the values completion offers. */
export const value = <T>(name: string, option: T, choices: ReadonlyArray<string> = []): T =>
  annotate({ value: name, choices, global: false }, option)

/** One of the flags every command inherits (BaseCommand's). */
export const global = <T>(name: string, option: T, choices: ReadonlyArray<string> = []): T =>
  annotate({ value: name, choices, global: true }, option)

/** `--worker-node-pool` → `WORKER_NODE_POOL`: cobra would print the Go type (`string`), which says less. */
const derived = (names: ReadonlyArray<string>): string => {
  const long = names.find((n) => n.startsWith("--")) ?? names[0] ?? ""
  return long.replace(/^-+/, "").replaceAll("-", "_").toUpperCase()
}

/** What help shows of a declared option: its value's name (none for a boolean), its choices, whether it is global. */
export const noteOf = (declared: Declared): Note => {
  const note = notes.get(declared)
  if (declared.arity === 0) return { value: undefined, choices: [], global: note?.global ?? false }
  // `a|b|c` names its choices.
  const name = note?.value ?? derived(declared.names)
  const choices = note !== undefined && note.choices.length > 0 ? note.choices : /^[a-z]+(\|[a-z]+)+$/.test(name) ? name.split("|") : []
  return { value: name, choices, global: note?.global ?? false }
}
