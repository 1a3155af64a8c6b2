import type { CommandClass } from "clipanion"
import type { TygerContext } from "./BaseCommand.ts"

/**
 * The commands named `tyger <group> <name>`, each loadable on its own. clipanion builds its parser from every command
 * it is given, and every command module loaded costs start-up time: registering all of them took ≈ 0.1 s of each
 * start. A command named in full as the first two arguments (`tyger run exec …`, the form every script and the
 * detached run monitor use) is therefore loaded alone; anything else (a global flag first, an alias, help, an unknown
 * command) gets the whole CLI. test/cli/leafCommands.test.ts checks this table against the commands.
 */
export const LEAVES: { readonly [groupAndName: string]: () => Promise<CommandClass<TygerContext>> } = {
  "buffer access": () => import("./commands/buffer/access.ts").then((m) => m.BufferAccessCommand),
  "buffer create": () => import("./commands/buffer/create.ts").then((m) => m.BufferCreateCommand),
  "buffer delete": () => import("./commands/buffer/delete.ts").then((m) => m.BufferDeleteCommand),
  "buffer gen": () => import("./commands/buffer/gen.ts").then((m) => m.BufferGenCommand),
  "buffer list": () => import("./commands/buffer/list.ts").then((m) => m.BufferListCommand),
  "buffer purge": () => import("./commands/buffer/purge.ts").then((m) => m.BufferPurgeCommand),
  "buffer read": () => import("./commands/buffer/read.ts").then((m) => m.BufferReadCommand),
  "buffer restore": () => import("./commands/buffer/restore.ts").then((m) => m.BufferRestoreCommand),
  "buffer set": () => import("./commands/buffer/set.ts").then((m) => m.BufferSetCommand),
  "buffer show": () => import("./commands/buffer/show.ts").then((m) => m.BufferShowCommand),
  "buffer sidecar": () => import("./commands/buffer/sidecar.ts").then((m) => m.BufferSidecarCommand),
  "buffer write": () => import("./commands/buffer/write.ts").then((m) => m.BufferWriteCommand),
  "codespec create": () => import("./commands/codespec/create.ts").then((m) => m.CodespecCreateCommand),
  "codespec list": () => import("./commands/codespec/list.ts").then((m) => m.CodespecListCommand),
  "codespec show": () => import("./commands/codespec/show.ts").then((m) => m.CodespecShowCommand),
  "run cancel": () => import("./commands/run/cancel.ts").then((m) => m.RunCancelCommand),
  "run counts": () => import("./commands/run/counts.ts").then((m) => m.RunCountsCommand),
  "run create": () => import("./commands/run/create.ts").then((m) => m.RunCreateCommand),
  "run exec": () => import("./commands/run/exec.ts").then((m) => m.RunExecCommand),
  "run list": () => import("./commands/run/list.ts").then((m) => m.RunListCommand),
  "run logs": () => import("./commands/run/logs.ts").then((m) => m.RunLogsCommand),
  "run monitor": () => import("./commands/run/monitor.ts").then((m) => m.RunMonitorCommand),
  "run set": () => import("./commands/run/set.ts").then((m) => m.RunSetCommand),
  "run show": () => import("./commands/run/show.ts").then((m) => m.RunShowCommand),
  "run wait-for-workers": () => import("./commands/run/wait-for-workers.ts").then((m) => m.RunWaitForWorkersCommand),
  "run watch": () => import("./commands/run/watch.ts").then((m) => m.RunWatchCommand)
}

/** The command `argv` names by its first two words (a group may be plural, as Tyger accepts), if it is in the table. */
export const leafOf = async (argv: ReadonlyArray<string>): Promise<CommandClass<TygerContext> | undefined> => {
  const [group, name] = argv
  if (group === undefined || name === undefined) return undefined
  const load = LEAVES[`${group.replace(/s$/, "")} ${name}`]
  if (load === undefined) return undefined
  const command = await load()
  // The command's own paths decide: an alias the table does not spell out falls back to the whole CLI.
  return command.paths?.some((path) => path.length === 2 && path[0] === group && path[1] === name) === true ? command : undefined
}
