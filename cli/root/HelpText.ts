import * as CommandTree from "./CommandTree.ts"

/**
 * Help as cobra prints Tyger's (its default help and usage templates, pflag's flag table): the long description,
 * then `Usage:`, `Aliases:`, `Examples:`, `Available Commands:`, the command's own `Flags:` and the `Global Flags:` it
 * inherits, listed once there rather than in every usage line. Flags show the name of their value (FlagHelp), where
 * cobra would show a Go type. Plain text: cobra does not colour help.
 */

const BINARY = "tyger"

/** Tyger's root `Long`, and what differs here. */
const ROOT_LONG = `A command-line interface to the Tyger control plane.

tyger-ts runs Tyger's commands on this machine, without a server: runs on Docker, state in a local data directory.`

/** cobra's `minNamePadding`. */
const MIN_NAME_PADDING = 11

/**
 * A template literal's text as written in the source, without the indentation it has there (cobra prints `Long`
 * verbatim; here it is written indented, as clipanion's markdownish texts are).
 */
export const dedent = (text: string): string => {
  const lines = text.replace(/^\s*\n/, "").trimEnd().split("\n")
  const indents = lines.filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length)
  const indent = indents.length === 0 ? 0 : Math.min(...indents)
  return lines.map((l) => l.slice(indent).trimEnd()).join("\n")
}

/** pflag's `FlagUsages`: `  -c, --codespec CODESPEC   description`, aligned on the longest flag. */
export const flagTable = (flags: ReadonlyArray<CommandTree.Flag>): string => {
  const rows = flags.filter((f) => !f.hidden).map((f) => {
    const names = f.short !== undefined && f.long !== undefined
      ? `  ${f.short}, ${f.long}`
      : f.long !== undefined ? `      ${f.long}` : `  ${f.short ?? ""}`
    return { left: f.value === undefined ? names : `${names} ${f.value}`, description: f.description }
  })
  const width = Math.max(0, ...rows.map((r) => r.left.length)) + 3
  return rows.map((r) => `${r.left.padEnd(width)}${r.description}`.trimEnd()).join("\n")
}

const commandPath = (path: ReadonlyArray<string>) => [BINARY, ...path].join(" ")

const commandList = (commands: ReadonlyArray<CommandTree.Command>): string => {
  const padding = Math.max(MIN_NAME_PADDING, ...commands.map((c) => c.name.length))
  return commands.map((c) => `  ${c.name.padEnd(padding)} ${c.usage?.description ?? ""}`.trimEnd()).join("\n")
}

const examplesOf = (usage: CommandTree.CommandUsage | undefined): string | undefined => {
  const examples = usage?.examples ?? []
  if (examples.length === 0) return undefined
  return examples.map(([label, line]) => `  # ${label}\n  ${line.replace(/\$0/g, BINARY)}`).join("\n\n")
}

const useLine = (command: CommandTree.Command): string => {
  const use = command.usage?.use ?? `${command.name} [flags]`
  return `${commandPath(command.path.slice(0, -1))} ${use}`
}

/**
 * cobra's usage (`tyger x --help` without the description, and what `tyger help` prints after an unknown topic) of
 * `command`, or of the root when it is undefined.
 */
export const usage = (tree: CommandTree.Tree, command: CommandTree.Command | undefined): string => {
  const path = command?.path ?? []
  const subcommands = CommandTree.available(tree, path)
  const globals = CommandTree.globalFlags(tree)
  const sections: Array<string> = []
  // An empty synopsis marks a command that only groups others (cobra's not runnable), like the root.
  const usageLines = [
    ...(command === undefined || command.usage?.use === "" ? [] : [`  ${useLine(command)}`]),
    ...(subcommands.length > 0 ? [`  ${commandPath(path)} [command]`] : [])
  ]
  sections.push(`Usage:\n${usageLines.join("\n")}`)
  if (command !== undefined && command.aliases.length > 0) sections.push(`Aliases:\n  ${[command.name, ...command.aliases].join(", ")}`)
  const examples = examplesOf(command?.usage)
  if (examples !== undefined) sections.push(`Examples:\n${examples}`)
  if (subcommands.length > 0) sections.push(`Available Commands:\n${commandList(subcommands)}`)
  // At the root the global flags are its own (cobra's persistent flags are local where they are declared).
  const local = command === undefined ? [...globals, ...tree.rootFlags] : command.flags.filter((f) => !f.global)
  const localTable = flagTable(local)
  if (localTable !== "") sections.push(`Flags:\n${localTable}`)
  const globalTable = command === undefined ? "" : flagTable(command.flags.filter((f) => f.global))
  if (globalTable !== "") sections.push(`Global Flags:\n${globalTable}`)
  if (subcommands.length > 0) sections.push(`Use "${commandPath(path)} [command] --help" for more information about a command.`)
  return `${sections.join("\n\n")}\n`
}

/** cobra's help: the long description (`details`, else the one-line description), then the usage. */
export const help = (tree: CommandTree.Tree, command: CommandTree.Command | undefined): string => {
  const long = command === undefined
    ? ROOT_LONG
    : dedent(command.usage?.details ?? command.usage?.description ?? "")
  return `${long === "" ? "" : `${long}\n\n`}${usage(tree, command)}`
}
