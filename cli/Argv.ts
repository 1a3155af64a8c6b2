import { flagLabel, goQuote, invalidArgument } from "./Pflag.ts"

/**
 * pflag's command-line grammar on top of clipanion. Tyger users write `--input -foo`, `-ifoo`, `-e=A=1` and
 * `--command=false`; clipanion would read the first as a missing value and the others as unknown options. Before
 * clipanion parses, the arguments are rewritten into its bound form (`--input=-foo`) with the selected command's own
 * option table, and pflag's errors (unknown flag, missing value) are reported with cobra's wording.
 */
export interface OptionSpec {
  readonly names: ReadonlyArray<string>
  /** 0 for booleans, 1 for options that take a value. */
  readonly arity: number
}

export interface CommandSpec {
  readonly paths: ReadonlyArray<ReadonlyArray<string>>
  readonly options: ReadonlyArray<OptionSpec>
}

export interface Scan {
  /** Whether the arguments start (after options) with the path. */
  readonly matched: boolean
  readonly argv: ReadonlyArray<string>
  /** Arguments that are neither path segments, options nor option values; those after `--` included. */
  readonly positionals: ReadonlyArray<string>
  /** pflag's error for the first bad option, if any. */
  readonly error: string | undefined
}

const HELP: ReadonlySet<string> = new Set(["-h", "--help"])
const TRUE: ReadonlySet<string> = new Set(["1", "t", "T", "TRUE", "true", "True"])
const FALSE: ReadonlySet<string> = new Set(["0", "f", "F", "FALSE", "false", "False"])

const labelOf = (option: OptionSpec): string => {
  const long = option.names.find((n) => n.startsWith("--"))?.slice(2) ?? ""
  const short = option.names.find((n) => !n.startsWith("--"))?.slice(1)
  return flagLabel(long, short)
}

/** Reads `input` as pflag would for a command with `options` whose path is `path`. */
export const scan = (
  input: ReadonlyArray<string>,
  options: ReadonlyArray<OptionSpec>,
  path: ReadonlyArray<string>
): Scan => {
  const byName = new Map<string, OptionSpec>()
  for (const option of options) for (const name of option.names) byName.set(name, option)
  const argv: Array<string> = []
  const positionals: Array<string> = []
  let matched = 0
  let error: string | undefined
  const failOnce = (message: string) => {
    error ??= message
  }
  const next = (i: number): string | undefined => input[i + 1]

  for (let i = 0; i < input.length; i++) {
    const token = input[i] ?? ""
    if (matched < path.length && token === path[matched]) {
      argv.push(token)
      matched++
      continue
    }
    if (token === "--") {
      argv.push(...input.slice(i))
      positionals.push(...input.slice(i + 1))
      break
    }
    if (HELP.has(token)) {
      argv.push(token)
      continue
    }
    if (token.startsWith("--")) {
      const eq = token.indexOf("=")
      const name = eq < 0 ? token : token.slice(0, eq)
      const option = byName.get(name)
      if (option === undefined) {
        failOnce(`unknown flag: ${name}`)
        argv.push(token)
      } else if (option.arity > 0) {
        if (eq >= 0) argv.push(token)
        else if (next(i) !== undefined) argv.push(`${name}=${input[++i]}`)
        else {
          failOnce(`flag needs an argument: ${name}`)
          argv.push(token)
        }
      } else if (eq < 0) {
        argv.push(token)
      } else {
        const value = token.slice(eq + 1)
        if (TRUE.has(value)) argv.push(name)
        else if (!FALSE.has(value)) {
          failOnce(invalidArgument(value, labelOf(option), `strconv.ParseBool: parsing ${goQuote(value)}: invalid syntax`))
        }
      }
      continue
    }
    if (token.startsWith("-") && token.length > 1) {
      const parts: Array<string> = []
      let k = 1
      while (k < token.length) {
        const name = `-${token[k]}`
        const option = byName.get(name)
        if (option === undefined) {
          failOnce(`unknown shorthand flag: '${token[k]}' in -${token.slice(k)}`)
          break
        }
        if (option.arity === 0) {
          parts.push(name)
          k++
          continue
        }
        const rest = token.slice(k + 1)
        if (rest.length > 1 && rest.startsWith("=")) parts.push(`${name}=${rest.slice(1)}`)
        else if (rest !== "") parts.push(`${name}=${rest}`)
        else if (next(i) !== undefined) parts.push(`${name}=${input[++i]}`)
        else {
          failOnce(`flag needs an argument: '${token[k]}' in -${token.slice(k)}`)
          parts.push(name)
        }
        k = token.length
      }
      argv.push(...(k >= token.length ? parts : [token]))
      continue
    }
    if (matched < path.length) return { matched: false, argv, positionals, error }
    positionals.push(token)
    argv.push(token)
  }
  return { matched: matched === path.length, argv, positionals, error }
}

export interface Selection extends Scan {
  readonly spec: CommandSpec
  readonly path: ReadonlyArray<string>
}

/** The command whose longest path the arguments spell, as cobra's `Find` would pick it. */
export const select = (input: ReadonlyArray<string>, specs: ReadonlyArray<CommandSpec>): Selection | undefined => {
  let best: Selection | undefined
  for (const spec of specs) {
    for (const path of spec.paths) {
      if (best !== undefined && path.length <= best.path.length) continue
      const result = scan(input, spec.options, path)
      if (result.matched) best = { ...result, spec, path }
    }
  }
  return best
}

/** Options every command accepts (cobra's persistent flags). */
export const sharedOptions = (specs: ReadonlyArray<CommandSpec>): ReadonlyArray<OptionSpec> => {
  const withOptions = specs.filter((s) => s.options.length > 0)
  const [first, ...others] = withOptions
  if (first === undefined) return []
  return first.options.filter((option) =>
    others.every((other) => other.options.some((o) => o.names.join() === option.names.join()))
  )
}
