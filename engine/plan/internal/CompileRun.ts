import * as CodespecDocument from "../../../model/CodespecDocument.ts"
import * as Run from "../../../dsl/Run.ts"
import * as RunDocument from "../../../model/RunDocument.ts"
import * as IgnoredSettings from "../IgnoredSettings.ts"
import type * as Plan from "../Plan.ts"
import {
  CAPABILITY_TEXT,
  type Compilation,
  type CompileOptions,
  ENV_NAME,
  hasGpu,
  MAX_ACCESS_TTL_SECONDS,
  MIN_ACCESS_TTL_SECONDS,
  parseTimeSpanSeconds,
  positiveInt,
  validateSchedule,
  validateTags
} from "./CompileContext.ts"
import * as Suggest from "../../../model/Suggest.ts"
import * as TimeSpan from "../../../model/TimeSpan.ts"

const bindings = (
  c: Compilation,
  run: Run.Any,
  path: string,
  spec: CodespecDocument.Checked,
  names: ReadonlyMap<Run.Any, string>,
  dependsOn: Set<string>,
  requires: Set<Plan.Capability>
): Record<string, Plan.Binding> => {
  const parameters = CodespecDocument.parametersOf(spec)
  const inputs = new Set(CodespecDocument.inputsOf(spec))
  const byFolded = new Map(parameters.map((p) => [p.toLowerCase(), p]))
  const given = new Map<string, Run.BufferArgument>()
  for (const [argument, value] of Object.entries(run.job.buffers)) {
    const parameter = byFolded.get(argument.toLowerCase())
    if (parameter === undefined) {
      c.problem("UnknownBuffer", `${path}.job.buffers.${argument}`,
        `Buffer argument '${argument}' does not correspond to a buffer parameter on the codespec`,
        parameters.length === 0
          ? "the codespec has no buffer parameters"
          : `its parameters are ${Suggest.listOf(parameters)}${Suggest.didYouMean(argument, parameters)}`)
    } else given.set(parameter, value)
  }
  const out: Record<string, Plan.Binding> = {}
  for (const parameter of parameters) {
    const value = given.get(parameter)
    const at = `${path}.job.buffers.${parameter}`
    if (value === undefined) out[parameter] = { kind: "create" }
    else if (value === RunDocument.EPHEMERAL_BUFFER) {
      requires.add("EphemeralBuffers")
      out[parameter] = { kind: "ephemeral" }
    } else if (typeof value === "string") {
      if (!/^[A-Za-z0-9_-]+$/.test(value)) c.problem("UnknownBuffer", at, `The buffer '${value}' was not found`)
      out[parameter] = { kind: "buffer", id: value }
    } else {
      const producer = names.get(value.run)
      if (!inputs.has(parameter)) c.problem("UnknownBuffer", at, "another run's output can only feed an input parameter")
      const producerSource = value.run.job.codespec
      const producerOutputs = Run.isReference(producerSource) ? undefined : CodespecDocument.outputsOf(producerSource.spec)
      if (producerOutputs !== undefined && !producerOutputs.includes(value.parameter)) {
        c.problem("UnknownBuffer", at, `run '${producer ?? value.run.name ?? "(not exported)"}' has no output parameter '${value.parameter}'`,
          producerOutputs.length === 0
            ? "it has no outputs"
            : `its outputs are ${Suggest.listOf(producerOutputs)}${Suggest.didYouMean(value.parameter, producerOutputs)}`)
      }
      if (producer === undefined) {
        c.problem("UnknownBuffer", at, "the run that produces this buffer is not part of the workflow", "export it from the workflow module")
        continue
      }
      dependsOn.add(producer)
      out[parameter] = { kind: "runOutput", run: producer, parameter: value.parameter }
    }
  }
  return out
}

/** Variables the provider sets itself; a derived value may not shadow them. */
const reservedNames = (job: CodespecDocument.Checked | undefined, worker: CodespecDocument.Checked | undefined): ReadonlySet<string> =>
  new Set([
    "TYGER_RUN_ID",
    CodespecDocument.WORKER_NODES_VARIABLE,
    ...(job === undefined ? [] : CodespecDocument.parametersOf(job).map(CodespecDocument.pipeVariable)),
    ...Object.keys(worker?.endpoints ?? {}).map(CodespecDocument.endpointVariable)
  ])

const derivedEnv = (
  c: Compilation,
  run: Run.Any,
  path: string,
  job: { spec: CodespecDocument.Checked } | undefined,
  worker: { spec: CodespecDocument.Checked } | undefined
): Record<string, Plan.DerivedValue> => {
  const out: Record<string, Plan.DerivedValue> = {}
  const reserved = reservedNames(job?.spec, worker?.spec)
  for (const [name, derived] of Object.entries(run.job.env)) {
    const at = `${path}.job.env.${name}`
    for (const { option, valid } of derived.unknownOptions ?? []) {
      c.problem("InvalidRun", `${at}.${option}`, `unknown option '${option}'`,
        `a derived value takes ${Suggest.listOf(valid)}${Suggest.didYouMean(option, valid)}`)
    }
    if (!ENV_NAME.test(name)) c.problem("InvalidRun", at, `'${name}' is not a valid environment variable name`)
    if (reserved.has(name)) c.problem("InvalidRun", at, `'${name}' is set by tyger itself and cannot be derived`)
    else if (job?.spec.env?.[name] !== undefined) {
      c.problem("InvalidRun", at, `'${name}' is already set by the codespec's env; rename one of them`)
    }
    if (run.worker === undefined) {
      c.problem("InvalidRun", at, "values derived from workers need a run with workers (Run.distributed)")
      continue
    }
    const source = derived.source
    if (source.kind === "endpointAddresses" && source.endpoint === "") {
      c.problem("InvalidRun", at, "Derived.addresses was given no endpoint", "pass one of the worker's, e.g. worker.endpoints.grpc")
    } else if (source.kind === "endpointAddresses" && worker !== undefined) {
      const endpoints = Object.keys(worker.spec.endpoints ?? {})
      const workerName = worker.spec.name ?? (Run.isReference(run.worker.codespec) ? undefined : run.worker.codespec.name)
      // One problem per mistake: another worker's endpoint is that, whether or not this worker has one of its name.
      if (source.codespec !== undefined && workerName !== undefined && source.codespec !== workerName) {
        c.problem("InvalidRun", at,
          `the endpoint '${source.endpoint}' belongs to codespec '${source.codespec}', not to this run's worker codespec '${workerName}'`,
          `use the worker's own endpoints (${Suggest.listOf(endpoints)})`)
      } else if (worker.spec.endpoints?.[source.endpoint] === undefined) {
        c.problem("InvalidRun", at, `the worker codespec has no endpoint '${source.endpoint}'`,
          endpoints.length === 0
            ? "it declares no endpoints"
            : `its endpoints are ${Suggest.listOf(endpoints)}${Suggest.didYouMean(source.endpoint, endpoints)}`)
      }
    }
    out[name] = {
      source: source.kind === "workerNodes" ? { kind: "workerNodes" } : { kind: "endpointAddresses", endpoint: source.endpoint },
      format: derived.format.kind === "json" ? { kind: "json" } : { kind: "join", separator: derived.format.separator }
    }
  }
  return out
}

const timeSpan = (c: Compilation, path: string, value: string | undefined): string | undefined => {
  if (value === undefined) return undefined
  const seconds = parseTimeSpanSeconds(value)
  if (seconds === undefined || seconds < 0) {
    c.problem("InvalidRun", path, `'${value}' is not a valid TimeSpan ([d.]hh:mm:ss)`)
    return undefined
  }
  return TimeSpan.formatDotNet(TimeSpan.fromSeconds(seconds))
}

const accessTtl = (c: Compilation, path: string, value: string | undefined): string => {
  const normalized = timeSpan(c, path, value)
  if (normalized === undefined) return RunDocument.DEFAULT_BUFFER_ACCESS_TTL
  const seconds = parseTimeSpanSeconds(normalized) ?? 0
  if (seconds < MIN_ACCESS_TTL_SECONDS) c.problem("InvalidRun", path, "Access TTL must be at least 30 seconds.")
  if (seconds > MAX_ACCESS_TTL_SECONDS) c.problem("InvalidRun", path, "Access TTL must be less than or equal to 01:00:00.")
  return normalized
}

const checkCapabilities = (c: Compilation, path: string, requires: ReadonlySet<Plan.Capability>, options: CompileOptions) => {
  if (options.capabilities === undefined) return
  const missing = (capability: Plan.Capability) =>
    !options.capabilities?.has(capability) && !IgnoredSettings.covers(options.ignores, capability)
  for (const capability of requires) {
    // A provider without schedules or without workers has already said why; the combination adds nothing.
    if (capability === "ScheduledDistributedRuns" && (missing("Schedules") || missing("DistributedRuns"))) continue
    if (missing(capability)) {
      // Tyger's own answer where it has one (its Kubernetes mode refuses `_` so).
      c.problem("Unsupported", path, capability === "EphemeralBuffers"
        ? "Ephemeral buffers are not supported."
        : `the ${options.provider ?? "selected"} provider does not support ${CAPABILITY_TEXT[capability]}`)
    }
  }
}

const OPTION_OWNERS: { readonly [at: string]: string } = {
  "": "a run",
  job: "a distributed run's job",
  worker: "a worker",
  schedule: "a schedule"
}

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }

export const compileRun = (
  c: Compilation,
  run: Run.Any,
  name: string,
  path: string,
  names: ReadonlyMap<Run.Any, string>,
  options: CompileOptions
): Plan.Run | undefined => {
  const requires = new Set<Plan.Capability>()
  const dependsOn = new Set<string>()
  for (const unknown of run.unknownOptions) {
    const at = unknown.at === "" ? path : `${path}.${unknown.at}`
    const noBuffers = unknown.at === "worker" && unknown.option === "buffers" ? "workers take no buffers; " : ""
    c.problem("InvalidRun", `${at}.${unknown.option}`, `unknown option '${unknown.option}'`,
      `${noBuffers}${OPTION_OWNERS[unknown.at] ?? "it"} takes ${Suggest.listOf(unknown.valid)}${Suggest.didYouMean(unknown.option, unknown.valid)}`)
  }
  const job = c.source(run.job.codespec, `${path}.job.codespec`, "job")
  const worker = run.worker === undefined ? undefined : c.source(run.worker.codespec, `${path}.worker.codespec`, "worker")
  const buffers = job === undefined ? {} : bindings(c, run, path, job.spec, names, dependsOn, requires)
  const env = derivedEnv(c, run, path, job, worker)
  validateTags(c, `${path}.tags`, run.tags)
  validateTags(c, `${path}.job.bufferTags`, run.job.bufferTags)
  const bufferTtl = timeSpan(c, `${path}.job.bufferTtl`, run.job.bufferTtl)
  const bufferAccessTtl = accessTtl(c, `${path}.bufferAccessTtl`, run.bufferAccessTtl)
  const replicas = positiveInt(c, `${path}.job.replicas`, run.job.replicas, 1, "replicas")
  const workerReplicas = run.worker === undefined
    ? 1
    : positiveInt(c, `${path}.worker.replicas`, run.worker.replicas, 1, "worker replicas")
  const timeoutSeconds = positiveInt(c, `${path}.timeoutSeconds`, run.timeoutSeconds, RunDocument.DEFAULT_TIMEOUT_SECONDS, "timeoutSeconds")
  const schedule = run.schedule === undefined ? undefined : validateSchedule(c, `${path}.schedule`, run.schedule)
  if (run.worker !== undefined) requires.add("DistributedRuns")
  if (replicas > 1) requires.add("JobReplicas")
  // Every replica runs the same program on the same buffers, and a buffer has exactly one writer: the second replica
  // to write an output would fail with "buffer cannot be overwritten", so such a run could never succeed.
  const outputs = job === undefined ? [] : CodespecDocument.outputsOf(job.spec)
  if (replicas > 1 && outputs.length > 0) {
    c.problem(
      "InvalidRun",
      `${path}.job.replicas`,
      `a job with ${replicas} replicas cannot have output buffers (${outputs.join(", ")}): a buffer has exactly one writer`
    )
  }
  // An ephemeral buffer has one writer and one reader, and every replica would read each input and write each output.
  if (replicas > 1 && requires.has("EphemeralBuffers")) {
    c.problem("InvalidRun", `${path}.job.replicas`, `a job with ${replicas} replicas cannot use ephemeral buffers ('_'): each is read or written once`)
  }
  if (run.job.nodePool !== undefined || run.worker?.nodePool !== undefined) requires.add("NodePools")
  if (schedule !== undefined) requires.add("Schedules")
  if (schedule !== undefined && run.worker !== undefined) requires.add("ScheduledDistributedRuns")
  for (const target of [job, worker]) {
    if (target === undefined) continue
    if (hasGpu(target.spec)) requires.add("Gpu")
    if ((target.spec.sockets?.length ?? 0) > 0) requires.add("Sockets")
    if (target.spec.identity !== undefined && target.spec.identity !== "") requires.add("Identities")
  }
  checkCapabilities(c, path, requires, options)
  if (job === undefined || (run.worker !== undefined && worker === undefined)) return undefined
  return {
    name,
    job: {
      codespec: job.id,
      buffers,
      bufferTags: { ...(run.job.bufferTags ?? {}) },
      ...optional("bufferTtl", bufferTtl),
      ...optional("nodePool", run.job.nodePool),
      replicas,
      env
    },
    ...optional("worker", worker === undefined || run.worker === undefined ? undefined : {
      codespec: worker.id,
      ...optional("nodePool", run.worker.nodePool),
      replicas: workerReplicas
    }),
    timeoutSeconds,
    tags: { ...(run.tags ?? {}) },
    ...optional("cluster", run.cluster),
    bufferAccessTtl,
    ...optional("schedule", schedule),
    dependsOn: [...dependsOn].sort(),
    requires: [...requires].sort()
  }
}

/** Producers before consumers, otherwise in workflow order; a cycle is a problem. */
export const orderRuns = (c: Compilation, runs: ReadonlyArray<Plan.Run>): Array<Plan.Run> => {
  const byName = new Map(runs.map((r) => [r.name, r]))
  const state = new Map<string, "visiting" | "done">()
  const out: Array<Plan.Run> = []
  const visit = (run: Plan.Run, trail: ReadonlyArray<string>): void => {
    const s = state.get(run.name)
    if (s === "done") return
    if (s === "visiting") {
      const cycle = [...trail.slice(trail.indexOf(run.name)), run.name]
      c.problem("ReferenceCycle", `runs.${run.name}`, `runs ${cycle.join(" → ")} depend on each other in a cycle`)
      return
    }
    state.set(run.name, "visiting")
    for (const dependency of run.dependsOn) {
      const producer = byName.get(dependency)
      if (producer !== undefined) visit(producer, [...trail, run.name])
    }
    state.set(run.name, "done")
    out.push(run)
  }
  for (const run of runs) visit(run, [])
  return out
}
