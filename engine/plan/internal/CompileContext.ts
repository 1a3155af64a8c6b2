import { Result } from "effect"
import { createHash } from "node:crypto"
import type * as Codespec from "../../../dsl/Codespec.ts"
import * as CodespecDocument from "../../../model/CodespecDocument.ts"
import * as CodespecValidation from "../../../model/CodespecValidation.ts"
import * as CheckCodespec from "./CheckCodespec.ts"
import * as CronExpression from "../../../model/CronExpression.ts"
import * as Suggest from "../../../model/Suggest.ts"
import * as TimeZones from "../../../model/TimeZones.ts"
import * as DslProblem from "../../../model/Problem.ts"
import * as Run from "../../../dsl/Run.ts"
import * as RunDocument from "../../../model/RunDocument.ts"
import * as Tags from "../../../model/Tags.ts"
import * as TimeSpan from "../../../model/TimeSpan.ts"
import type { Resolved } from "../../codespecs/CodespecCatalog.ts"
import type * as IgnoredSettings from "../IgnoredSettings.ts"
import type * as Plan from "../Plan.ts"
import type { Problem, Reason } from "../PlanCompileError.ts"

export interface CompileOptions {
  /** What the target provider supports; without it nothing is refused for lack of support. */
  readonly capabilities?: ReadonlySet<Plan.Capability>
  /** Settings the target provider accepts without acting on them: what they require is not refused. */
  readonly ignores?: ReadonlySet<IgnoredSettings.Setting>
  readonly provider?: string
}

/** Kubernetes CronJob names are limited to 52 characters; run names must fit every derived object name. */
export const MAX_RUN_NAME = 52
export const RUN_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
export const ENV_NAME = CodespecValidation.ENV_NAME
export const MIN_ACCESS_TTL_SECONDS = 30
export const MAX_ACCESS_TTL_SECONDS = 3600

export const CAPABILITY_TEXT: { readonly [C in Plan.Capability]: string } = {
  DistributedRuns: "distributed runs (workers)",
  Gpu: "GPUs",
  Sockets: "sockets",
  EphemeralBuffers: "ephemeral buffers ('_')",
  NodePools: "node pools",
  Identities: "workload identities",
  Schedules: "schedules",
  JobReplicas: "job replicas greater than 1",
  ScheduledDistributedRuns: "distributed runs (workers) on a schedule"
}

export const identityOf = (name: string | undefined, key: string): string =>
  "cs-" + createHash("sha256").update(JSON.stringify([name ?? null, key])).digest("hex").slice(0, 16)

export const hasGpu = (spec: CodespecDocument.Spec): boolean => (spec.resources?.gpu?.toNumber() ?? 0) > 0

export class Compilation {
  readonly problems: Array<Problem> = []
  readonly codespecs = new Map<string, Plan.Codespec>()
  /** Every codespec registered under a name, with its store version if it was resolved from the store. */
  readonly byName = new Map<string, Array<{ readonly id: string; readonly version: number | undefined }>>()
  readonly checked = new Map<Codespec.Any, { id: string; spec: CodespecDocument.Checked } | undefined>()

  readonly references: ReadonlyMap<string, Resolved | string>

  constructor(references: ReadonlyMap<string, Resolved | string>) {
    this.references = references
  }

  /** Where each run and codespec was built: problems under `prefix` are reported at `location`. */
  private readonly locations: Array<{ readonly prefix: string; readonly subject: string; readonly location: string }> = []

  problem(reason: Reason, path: string, message: string, hint?: string): void {
    this.problems.push({ reason, path, message, ...(hint === undefined || hint === "" ? {} : { hint }) })
  }

  locate(prefix: string, subject: string, location: string | undefined): void {
    if (location !== undefined) this.locations.push({ prefix, subject, location })
  }

  /** Every problem once (a codespec shared by two runs is one problem), each at the builder call it is about. */
  located(): ReadonlyArray<Problem> {
    const seen = new Set<string>()
    const out: Array<Problem> = []
    for (const problem of this.problems) {
      const key = `${problem.path}\u0000${problem.message}`
      if (seen.has(key)) continue
      seen.add(key)
      const at = this.locations
        .filter(({ prefix }) => problem.path === prefix || problem.path.startsWith(prefix + ".") || problem.path.startsWith(prefix + "["))
        .reduce<typeof this.locations[number] | undefined>((best, l) => (best === undefined || l.prefix.length > best.prefix.length ? l : best), undefined)
      out.push(at === undefined ? problem : {
        ...problem,
        location: at.location,
        subject: at.subject,
        detail: problem.path.slice(at.prefix.length).replace(/^\./, "")
      })
    }
    return out
  }

  problemsFrom(reason: Reason, list: ReadonlyArray<DslProblem.Problem>): void {
    for (const p of list) this.problem(reason, p.path, p.message)
  }

  register(name: string | undefined, spec: CodespecDocument.Checked, version: number | undefined, path: string): string | undefined {
    const stripped = CodespecDocument.withoutSystemFields(spec)
    const id = identityOf(name, CodespecDocument.canonicalKey(stripped))
    if (name !== undefined) {
      // Different stored versions of one name may be used side by side; a codespec to publish under a name must be
      // the only content under that name.
      const previous = this.byName.get(name) ?? []
      if (previous.some((p) => p.id !== id && (p.version === undefined || version === undefined))) {
        this.problem("DuplicateName", path, `two different codespecs are named '${name}'`)
        return undefined
      }
      this.byName.set(name, [...previous, { id, version }])
    }
    const existing = this.codespecs.get(id)
    if (existing === undefined || (existing.version === undefined && version !== undefined)) {
      this.codespecs.set(id, {
        id,
        kind: spec.kind,
        ...(name === undefined ? {} : { name }),
        ...(version === undefined ? {} : { version }),
        spec: stripped
      })
    }
    return id
  }

  /** Decodes and validates a DSL codespec once; problems are reported at its first use. */
  codespec(codespec: Codespec.Any, path: string, expectedKind: CodespecDocument.Kind): { id: string; spec: CodespecDocument.Checked } | undefined {
    if (!this.checked.has(codespec)) {
      this.locate(path, codespec.name === undefined ? "codespec" : `codespec ${codespec.name}`, codespec.location)
      const { problems, spec } = CheckCodespec.check(path, codespec.spec)
      this.problemsFrom("InvalidCodespec", problems)
      const id = spec === undefined ? undefined : this.register(codespec.name, spec, undefined, path)
      this.checked.set(codespec, id === undefined || spec === undefined ? undefined : { id, spec })
    }
    const result = this.checked.get(codespec)
    if (result !== undefined && result.spec.kind !== expectedKind) {
      this.problem("InvalidCodespec", path_(path, "kind"),
        `the ${expectedKind} target needs a ${expectedKind} codespec, but the codespec is a ${result.spec.kind} codespec`)
      return undefined
    }
    return result
  }

  source(source: Run.CodespecSource, path: string, expectedKind: CodespecDocument.Kind) {
    if (!Run.isReference(source)) return this.codespec(source, path, expectedKind)
    const resolved = this.references.get(source.reference)
    if (resolved === undefined || typeof resolved === "string") {
      this.problem("MissingCodespec", path, resolved ?? RunDocument.referenceMessage(source.reference))
      return undefined
    }
    const { problems, checked } = CodespecValidation.check(path, resolved.spec, { expectedKind })
    if (problems.length > 0) {
      this.problemsFrom("InvalidCodespec", problems)
      return undefined
    }
    const id = this.register(resolved.name, checked, resolved.version, path)
    return id === undefined ? undefined : { id, spec: checked }
  }
}

export const path_ = (...segments: ReadonlyArray<string>) => DslProblem.joinPath("", segments.flatMap((s) => s.split(".")))

export const parseTimeSpanSeconds = (value: string): number | undefined => {
  const parsed = TimeSpan.parseDotNet(value)
  return Result.isSuccess(parsed) ? TimeSpan.toSeconds(parsed.success) : undefined
}

// Some runtimes list only canonical zones; these aliases are valid everywhere.
const ZONE_ALIASES = ["UTC", "Etc/UTC", "GMT"]

const knownZones = (): ReadonlyArray<string> => {
  const intl = Intl as { supportedValuesOf?: (key: string) => ReadonlyArray<string> }
  return [...ZONE_ALIASES, ...(intl.supportedValuesOf?.("timeZone") ?? [])]
}

export const validateSchedule = (c: Compilation, path: string, schedule: Run.Schedule): Plan.Schedule => {
  const cron = typeof schedule.cron === "string" ? schedule.cron.trim() : ""
  const cronProblem = CronExpression.problemOf(cron)
  if (cronProblem !== undefined) c.problem("InvalidRun", `${path}.cron`, cronProblem)
  if (schedule.timeZone !== undefined && !TimeZones.isValidZone(schedule.timeZone)) {
    const suggestion = TimeZones.suggestZone(schedule.timeZone, knownZones())
    c.problem("InvalidRun", `${path}.timeZone`, `unknown time zone '${schedule.timeZone}'`,
      suggestion === undefined ? "use an IANA zone such as 'Europe/Paris' or 'UTC'" : `did you mean '${suggestion}'?`)
  }
  if (schedule.concurrencyPolicy !== undefined && !CONCURRENCY_POLICIES.includes(schedule.concurrencyPolicy)) {
    c.problem("InvalidRun", `${path}.concurrencyPolicy`, `'${schedule.concurrencyPolicy}' is not a concurrency policy`,
      `use ${Suggest.listOf(CONCURRENCY_POLICIES)}`)
  }
  if (schedule.startingDeadlineSeconds !== undefined && !(Number.isInteger(schedule.startingDeadlineSeconds) && schedule.startingDeadlineSeconds > 0)) {
    c.problem("InvalidRun", `${path}.startingDeadlineSeconds`, "startingDeadlineSeconds must be a positive whole number")
  }
  return {
    cron,
    ...(schedule.timeZone === undefined ? {} : { timeZone: schedule.timeZone }),
    concurrencyPolicy: schedule.concurrencyPolicy ?? "Forbid",
    ...(schedule.startingDeadlineSeconds === undefined ? {} : { startingDeadlineSeconds: schedule.startingDeadlineSeconds }),
    suspend: schedule.suspend ?? false
  }
}

const CONCURRENCY_POLICIES: ReadonlyArray<string> = ["Allow", "Forbid", "Replace"]

export const positiveInt = (c: Compilation, path: string, value: number | undefined, fallback: number, what: string): number => {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < 1) c.problem("InvalidRun", path, `${what} must be a whole number of at least 1`)
  return value
}

export const validateTags = (c: Compilation, path: string, tags: Tags.Tags | undefined): void =>
  c.problemsFrom("InvalidRun", Tags.validate(path, tags))
