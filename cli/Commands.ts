import type { CommandClass } from "clipanion"
import type { TygerContext } from "./BaseCommand.ts"

/**
 * The commands of the CLI, each with its first path and how to load it, in the order help lists them. clipanion
 * builds its parser from every command it is given, and every command module loaded costs start-up time: registering
 * all of them took ≈ 0.1 s of each start. A command named in full as the first two arguments (`tyger run exec …`, the
 * form every script and the detached run monitor use) is therefore loaded alone ({@link leafOf}); anything else (a
 * global flag first, an alias, help, completion, an unknown command) gets them all ({@link all}). test/cli/Commands.test.ts
 * checks each path against its command.
 */
export interface Entry {
  /** The command's first path, as clipanion declares it: `["run", "exec"]`, `["run"]`, `["-h"]`. */
  readonly path: ReadonlyArray<string>
  readonly load: () => Promise<CommandClass<TygerContext>>
}

export const COMMANDS: ReadonlyArray<Entry> = [
  { path: ["--version"], load: () => import("./root/version.ts").then((m) => m.VersionCommand) },
  { path: ["login"], load: () => import("./login/login.ts").then((m) => m.LoginCommand) },
  { path: ["login", "status"], load: () => import("./login/status.ts").then((m) => m.LoginStatusCommand) },
  { path: ["logout"], load: () => import("./login/logout.ts").then((m) => m.LogoutCommand) },
  { path: ["buffer"], load: () => import("./buffer/buffer.ts").then((m) => m.BufferCommand) },
  { path: ["buffer", "create"], load: () => import("./buffer/create.ts").then((m) => m.BufferCreateCommand) },
  { path: ["buffer", "access"], load: () => import("./buffer/access.ts").then((m) => m.BufferAccessCommand) },
  { path: ["buffer", "read"], load: () => import("./buffer/read.ts").then((m) => m.BufferReadCommand) },
  { path: ["buffer", "write"], load: () => import("./buffer/write.ts").then((m) => m.BufferWriteCommand) },
  { path: ["buffer", "gen"], load: () => import("./buffer/gen.ts").then((m) => m.BufferGenCommand) },
  { path: ["buffer", "show"], load: () => import("./buffer/show.ts").then((m) => m.BufferShowCommand) },
  { path: ["buffer", "set"], load: () => import("./buffer/set.ts").then((m) => m.BufferSetCommand) },
  { path: ["buffer", "list"], load: () => import("./buffer/list.ts").then((m) => m.BufferListCommand) },
  { path: ["buffer", "delete"], load: () => import("./buffer/delete.ts").then((m) => m.BufferDeleteCommand) },
  { path: ["buffer", "restore"], load: () => import("./buffer/restore.ts").then((m) => m.BufferRestoreCommand) },
  { path: ["buffer", "purge"], load: () => import("./buffer/purge.ts").then((m) => m.BufferPurgeCommand) },
  { path: ["buffer", "sidecar"], load: () => import("./buffer/sidecar.ts").then((m) => m.BufferSidecarCommand) },
  { path: ["buffer", "provision"], load: () => import("./buffer/provision.ts").then((m) => m.BufferProvisionCommand) },
  { path: ["codespec"], load: () => import("./codespec/codespec.ts").then((m) => m.CodespecCommand) },
  { path: ["codespec", "create"], load: () => import("./codespec/create.ts").then((m) => m.CodespecCreateCommand) },
  { path: ["codespec", "show"], load: () => import("./codespec/show.ts").then((m) => m.CodespecShowCommand) },
  { path: ["codespec", "list"], load: () => import("./codespec/list.ts").then((m) => m.CodespecListCommand) },
  { path: ["run"], load: () => import("./run/run.ts").then((m) => m.RunCommand) },
  { path: ["run", "create"], load: () => import("./run/create.ts").then((m) => m.RunCreateCommand) },
  { path: ["run", "exec"], load: () => import("./run/exec.ts").then((m) => m.RunExecCommand) },
  { path: ["run", "show"], load: () => import("./run/show.ts").then((m) => m.RunShowCommand) },
  { path: ["run", "watch"], load: () => import("./run/watch.ts").then((m) => m.RunWatchCommand) },
  { path: ["run", "logs"], load: () => import("./run/logs.ts").then((m) => m.RunLogsCommand) },
  { path: ["run", "list"], load: () => import("./run/list.ts").then((m) => m.RunListCommand) },
  { path: ["run", "set"], load: () => import("./run/set.ts").then((m) => m.RunSetCommand) },
  { path: ["run", "counts"], load: () => import("./run/counts.ts").then((m) => m.RunCountsCommand) },
  { path: ["run", "cancel"], load: () => import("./run/cancel.ts").then((m) => m.RunCancelCommand) },
  { path: ["run", "monitor"], load: () => import("./run/monitor.ts").then((m) => m.RunMonitorCommand) },
  { path: ["run", "wait-for-workers"], load: () => import("./run/wait-for-workers.ts").then((m) => m.RunWaitForWorkersCommand) },
  { path: ["run", "reap-workers"], load: () => import("./run/reap-workers.ts").then((m) => m.RunReapWorkersCommand) },
  { path: ["plan"], load: () => import("./plan/plan.ts").then((m) => m.PlanCommand) },
  { path: ["apply"], load: () => import("./workflow/apply.ts").then((m) => m.ApplyCommand) },
  { path: ["workflow"], load: () => import("./workflow/workflow.ts").then((m) => m.WorkflowCommand) },
  { path: ["workflow", "list"], load: () => import("./workflow/list.ts").then((m) => m.WorkflowListCommand) },
  { path: ["workflow", "show"], load: () => import("./workflow/show.ts").then((m) => m.WorkflowShowCommand) },
  // cobra adds these two last.
  { path: ["help"], load: () => import("./root/help.ts").then((m) => m.HelpCommand) },
  { path: ["completion"], load: () => import("./root/completion.ts").then((m) => m.CompletionCommand) },
  { path: ["completion", "bash"], load: () => import("./root/completion.ts").then((m) => m.CompletionBashCommand) },
  { path: ["completion", "zsh"], load: () => import("./root/completion.ts").then((m) => m.CompletionZshCommand) },
  { path: ["completion", "fish"], load: () => import("./root/completion.ts").then((m) => m.CompletionFishCommand) },
  { path: ["__complete"], load: () => import("./root/complete.ts").then((m) => m.CompleteCommand) }
]

/** Every command, loaded, in help order. */
export const all = (): Promise<ReadonlyArray<CommandClass<TygerContext>>> => Promise.all(COMMANDS.map((entry) => entry.load()))

/** The command `argv` names by its first two words (a group may be plural, as Tyger accepts), if it is in the table. */
export const leafOf = async (argv: ReadonlyArray<string>): Promise<CommandClass<TygerContext> | undefined> => {
  const [group, name] = argv
  if (group === undefined || name === undefined) return undefined
  const singular = group.replace(/s$/, "")
  const entry = COMMANDS.find(({ path }) => path.length === 2 && path[0] === singular && path[1] === name)
  if (entry === undefined) return undefined
  const command = await entry.load()
  // The command's own paths decide: an alias the table does not spell out falls back to the whole CLI.
  return command.paths?.some((path) => path.length === 2 && path[0] === group && path[1] === name) === true ? command : undefined
}
