import { Effect, Result } from "effect"
import { Runs } from "../../engine/runs/Runs.ts"
import { isTerminal, type RunRecord } from "../../engine/store/RunRecord.ts"
import * as WorkflowDiff from "../../engine/workflows/WorkflowDiff.ts"
import { type AppliedRunState, Workflows } from "../../engine/workflows/Workflows.ts"
import type { Flags } from "../BaseCommand.ts"
import { interrupted } from "../buffer/Signals.ts"
import { CliError, invalidArguments } from "../CliError.ts"
import { CliIo } from "../CliIo.ts"
import * as Pflag from "../Pflag.ts"
import * as WorkflowModule from "../plan/WorkflowModule.ts"
import type { ApplyCommand } from "./apply.ts"
import { actionRows, FORMATS, runRows, runsJson, table } from "./WorkflowOutput.ts"

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const POLL = "250 millis"

const reasonOf = (run: RunRecord) => (run.statusReason === undefined || run.statusReason === "" ? "" : ` (${run.statusReason})`)

/**
 * Supervises the created runs to their end (their monitors run in this process), saying each change on stderr; the
 * first SIGINT or SIGTERM cancels those still going. Returns them as they ended.
 */
const waitFor = Effect.fnUntraced(function*(created: ReadonlyArray<{ readonly name: string; readonly record: RunRecord }>) {
  const runs = yield* Runs
  const io = yield* CliIo
  // Each run as last seen: a change is a status (or reason) that differs from it.
  const current = new Map(created.map(({ name, record }) => [name, record]))
  const said = (run: RunRecord) => `${run.status}${reasonOf(run)}`
  const allFinal = () => [...current.values()].every((run) => run.final)
  // On a terminal, one table redrawn in place (cursor up over the last one, clear below); elsewhere a line a change.
  let drawn = 0
  const redraw = Effect.suspend(() => {
    const text = table([["RUN", "ID", "STATUS"], ...[...current].map(([name, run]) => [name, String(run.id), said(run)])])
    const up = drawn === 0 ? "" : `\x1b[${drawn}A\x1b[J`
    drawn = text.split("\n").length - 1
    return io.err(up + text)
  })
  const follow = Effect.gen(function*() {
    if (io.errTerminal) yield* redraw
    for (;;) {
      let changed = false
      for (const { name, record } of created) {
        const now = yield* runs.get(record.id)
        if (said(now) !== said(current.get(name)!)) {
          changed = true
          if (!io.errTerminal) yield* io.err(`${name}: run ${now.id} ${said(now)}\n`)
        }
        current.set(name, now)
      }
      if (changed && io.errTerminal) yield* redraw
      if (allFinal()) return false
      yield* Effect.sleep(POLL)
    }
  })
  const canceled = yield* Effect.raceFirst(follow, Effect.as(interrupted, true))
  if (canceled) {
    for (const { name, record } of created) {
      const now = yield* runs.get(record.id)
      if (!isTerminal(now.status)) {
        current.set(name, yield* runs.cancel(record.id))
        yield* io.err(`${name}: run ${record.id} canceled\n`)
      }
    }
    // Their monitors (in this process) stop the containers and finalise: nothing of them may outlive this command.
    yield* Effect.gen(function*() {
      while (!allFinal()) {
        yield* Effect.sleep(POLL)
        for (const { name, record } of created) current.set(name, yield* runs.get(record.id))
      }
    }).pipe(Effect.timeoutOption("30 seconds"))
  }
  return { canceled, ended: current }
})

/** `tyger apply FILE` (a tyger-ts extension): see Help.ts. */
export const apply = Effect.fn("apply")(function*(flags: Flags<ApplyCommand>) {
  const format = Pflag.enumValue(Pflag.flagLabel("output"), flags.output ?? "text", FORMATS)
  if (Result.isFailure(format)) return yield* invalidArguments(format.failure)
  const [file, ...extra] = flags.positionals
  if (file === undefined || extra.length > 0) return yield* invalidArguments(`accepts 1 arg(s), received ${flags.positionals.length}`)
  const name = flags.name ?? WorkflowModule.runNameOf(file)
  if (!NAME.test(name) || name.length > 63) {
    return yield* invalidArguments(Pflag.invalidArgument(name, Pflag.flagLabel("name"),
      "must be lower case alphanumeric characters or '-', start and end with an alphanumeric character, at most 63"))
  }
  const workflow = yield* WorkflowModule.fromFile(file)
  const workflows = yield* Workflows
  const io = yield* CliIo
  const result = yield* workflows.apply(workflow, {
    name,
    source: file,
    dryRun: flags.dryRun,
    rerun: flags.rerun ?? [],
    prune: flags.prune,
    once: flags.once
  })
  const summary = `workflow ${name}: ${WorkflowDiff.summary(result.actions)}`
  if (flags.dryRun) {
    if (format.success === "json") return yield* io.out(`${JSON.stringify({ name, dryRun: true, actions: result.actions }, null, 2)}\n`)
    if (result.actions.length > 0) yield* io.out(table(actionRows(result.actions)))
    return yield* io.out(`${summary} (dry run: nothing was changed)\n`)
  }
  if (result.actions.length > 0) yield* io.err(table(actionRows(result.actions)))
  yield* io.err(`${summary}\n`)

  let states: ReadonlyArray<AppliedRunState> = result.runs
  const failed: Array<string> = []
  if (!flags.noWait && result.created.length > 0) {
    const byId = new Map(result.runs.map((r) => [r.runId, r.name]))
    const { canceled, ended } = yield* waitFor(result.created.map((record) => ({ name: byId.get(record.id)!, record })))
    states = result.runs.map((state) => {
      const now = ended.get(state.name)
      return now === undefined ? state : { ...state, status: now.status }
    })
    for (const [runName, run] of ended) {
      if (run.status !== "Succeeded") failed.push(`run '${runName}' (${run.id}) ${run.status}${reasonOf(run)}`)
    }
    if (canceled) failed.unshift("canceled: the runs this apply created and that were still going were canceled")
  }
  yield* io.out(format.success === "json" ? `${JSON.stringify({ name, runs: runsJson(states) }, null, 2)}\n` : table(runRows(states)))
  if (failed.length > 0) return yield* new CliError({ reason: "InvalidInput", messages: failed })
})
