// Every command of the CLI, loaded, in the order clipanion lists them in help. A command named in full on the command
// line is loaded alone instead (see leafCommands.ts).
import type { CommandClass } from "clipanion"
import type { TygerContext } from "./BaseCommand.ts"
import { BufferCommand } from "./buffer/buffer.ts"
import { BufferAccessCommand } from "./buffer/access.ts"
import { BufferCreateCommand } from "./buffer/create.ts"
import { BufferDeleteCommand } from "./buffer/delete.ts"
import { BufferGenCommand } from "./buffer/gen.ts"
import { BufferListCommand } from "./buffer/list.ts"
import { BufferPurgeCommand } from "./buffer/purge.ts"
import { BufferReadCommand } from "./buffer/read.ts"
import { BufferRestoreCommand } from "./buffer/restore.ts"
import { BufferSetCommand } from "./buffer/set.ts"
import { BufferShowCommand } from "./buffer/show.ts"
import { BufferSidecarCommand } from "./buffer/sidecar.ts"
import { BufferWriteCommand } from "./buffer/write.ts"
import { CodespecCommand } from "./codespec/codespec.ts"
import { CodespecCreateCommand } from "./codespec/create.ts"
import { CodespecListCommand } from "./codespec/list.ts"
import { CodespecShowCommand } from "./codespec/show.ts"
import { HelpCommand } from "./root/help.ts"
import { PlanCommand } from "./plan/plan.ts"
import { RunCommand } from "./run/run.ts"
import { RunCancelCommand } from "./run/cancel.ts"
import { RunCountsCommand } from "./run/counts.ts"
import { RunCreateCommand } from "./run/create.ts"
import { RunExecCommand } from "./run/exec.ts"
import { RunListCommand } from "./run/list.ts"
import { RunLogsCommand } from "./run/logs.ts"
import { RunMonitorCommand } from "./run/monitor.ts"
import { RunSetCommand } from "./run/set.ts"
import { RunShowCommand } from "./run/show.ts"
import { RunWaitForWorkersCommand } from "./run/wait-for-workers.ts"
import { RunWatchCommand } from "./run/watch.ts"
import { VersionCommand } from "./root/version.ts"

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
