import type { CommandClass } from "clipanion"
import type { TygerContext } from "./BaseCommand.ts"

/**
 * The commands named `tyger <group> <name>`, each loadable on its own. clipanion builds its parser from every command
 * it is given, and every command module loaded costs start-up time: registering all of them took ≈ 0.1 s of each
 * start. A command named in full as the first two arguments (`tyger run exec …`, the form every script and the
 * detached run monitor use) is therefore loaded alone; anything else (a global flag first, an alias, help, an unknown
 * command) gets the whole CLI. test/cli/LeafCommands.test.ts checks this table against the commands.
 */
export const LEAVES: { readonly [groupAndName: string]: () => Promise<CommandClass<TygerContext>> } = {
  "buffer access": () => import("./buffer/access.ts").then((m) => m.BufferAccessCommand),
  "buffer create": () => import("./buffer/create.ts").then((m) => m.BufferCreateCommand),
  "buffer delete": () => import("./buffer/delete.ts").then((m) => m.BufferDeleteCommand),
  "buffer gen": () => import("./buffer/gen.ts").then((m) => m.BufferGenCommand),
  "buffer list": () => import("./buffer/list.ts").then((m) => m.BufferListCommand),
  "buffer purge": () => import("./buffer/purge.ts").then((m) => m.BufferPurgeCommand),
  "buffer read": () => import("./buffer/read.ts").then((m) => m.BufferReadCommand),
  "buffer restore": () => import("./buffer/restore.ts").then((m) => m.BufferRestoreCommand),
  "buffer set": () => import("./buffer/set.ts").then((m) => m.BufferSetCommand),
  "buffer show": () => import("./buffer/show.ts").then((m) => m.BufferShowCommand),
  "buffer sidecar": () => import("./buffer/sidecar.ts").then((m) => m.BufferSidecarCommand),
  "buffer write": () => import("./buffer/write.ts").then((m) => m.BufferWriteCommand),
  "codespec create": () => import("./codespec/create.ts").then((m) => m.CodespecCreateCommand),
  "codespec list": () => import("./codespec/list.ts").then((m) => m.CodespecListCommand),
  "codespec show": () => import("./codespec/show.ts").then((m) => m.CodespecShowCommand),
  "run cancel": () => import("./run/cancel.ts").then((m) => m.RunCancelCommand),
  "run counts": () => import("./run/counts.ts").then((m) => m.RunCountsCommand),
  "run create": () => import("./run/create.ts").then((m) => m.RunCreateCommand),
  "run exec": () => import("./run/exec.ts").then((m) => m.RunExecCommand),
  "run list": () => import("./run/list.ts").then((m) => m.RunListCommand),
  "run logs": () => import("./run/logs.ts").then((m) => m.RunLogsCommand),
  "run monitor": () => import("./run/monitor.ts").then((m) => m.RunMonitorCommand),
  "run set": () => import("./run/set.ts").then((m) => m.RunSetCommand),
  "run show": () => import("./run/show.ts").then((m) => m.RunShowCommand),
  "run wait-for-workers": () => import("./run/wait-for-workers.ts").then((m) => m.RunWaitForWorkersCommand),
  "run watch": () => import("./run/watch.ts").then((m) => m.RunWatchCommand)
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
