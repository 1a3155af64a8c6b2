// Every command of the CLI, loaded, in the order clipanion lists them in help. A command named in full on the command
// line is loaded alone instead (see leafCommands.ts).
import type { CommandClass } from "clipanion"
import type { TygerContext } from "./BaseCommand.ts"
import { BufferCommand } from "./commands/buffer.ts"
import { BufferAccessCommand } from "./commands/buffer/access.ts"
import { BufferCreateCommand } from "./commands/buffer/create.ts"
import { BufferDeleteCommand } from "./commands/buffer/delete.ts"
import { BufferGenCommand } from "./commands/buffer/gen.ts"
import { BufferListCommand } from "./commands/buffer/list.ts"
import { BufferPurgeCommand } from "./commands/buffer/purge.ts"
import { BufferReadCommand } from "./commands/buffer/read.ts"
import { BufferRestoreCommand } from "./commands/buffer/restore.ts"
import { BufferSetCommand } from "./commands/buffer/set.ts"
import { BufferShowCommand } from "./commands/buffer/show.ts"
import { BufferSidecarCommand } from "./commands/buffer/sidecar.ts"
import { BufferWriteCommand } from "./commands/buffer/write.ts"
import { CodespecCommand } from "./commands/codespec.ts"
import { CodespecCreateCommand } from "./commands/codespec/create.ts"
import { CodespecListCommand } from "./commands/codespec/list.ts"
import { CodespecShowCommand } from "./commands/codespec/show.ts"
import { HelpCommand } from "./commands/help.ts"
import { PlanCommand } from "./commands/plan.ts"
import { RunCommand } from "./commands/run.ts"
import { RunCancelCommand } from "./commands/run/cancel.ts"
import { RunCountsCommand } from "./commands/run/counts.ts"
import { RunCreateCommand } from "./commands/run/create.ts"
import { RunExecCommand } from "./commands/run/exec.ts"
import { RunListCommand } from "./commands/run/list.ts"
import { RunLogsCommand } from "./commands/run/logs.ts"
import { RunMonitorCommand } from "./commands/run/monitor.ts"
import { RunSetCommand } from "./commands/run/set.ts"
import { RunShowCommand } from "./commands/run/show.ts"
import { RunWaitForWorkersCommand } from "./commands/run/wait-for-workers.ts"
import { RunWatchCommand } from "./commands/run/watch.ts"
import { VersionCommand } from "./commands/version.ts"

export const commands: ReadonlyArray<CommandClass<TygerContext>> = [
  HelpCommand,
  VersionCommand,
  CodespecCommand,
  CodespecCreateCommand,
  CodespecShowCommand,
  CodespecListCommand,
  BufferCommand,
  BufferCreateCommand,
  BufferAccessCommand,
  BufferReadCommand,
  BufferWriteCommand,
  BufferGenCommand,
  BufferShowCommand,
  BufferSetCommand,
  BufferListCommand,
  BufferDeleteCommand,
  BufferRestoreCommand,
  BufferPurgeCommand,
  BufferSidecarCommand,
  RunCommand,
  RunCreateCommand,
  RunExecCommand,
  RunShowCommand,
  RunWatchCommand,
  RunLogsCommand,
  RunListCommand,
  RunSetCommand,
  RunCountsCommand,
  RunCancelCommand,
  RunMonitorCommand,
  RunWaitForWorkersCommand,
  PlanCommand
]
