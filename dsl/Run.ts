import * as Codespec from "./Codespec.ts"
import type * as Derived from "./Derived.ts"
import * as CallSite from "./internal/CallSite.ts"
import * as Options from "./internal/Options.ts"

/**
 * Typed runs. `Run.job(codespec, {...})` accepts only the codespec's own buffer parameters; `Run.distributed` adds
 * workers (which take no buffers) and lets the job's env take values derived from the workers' endpoints.
 *
 * @example
 * const workers = Codespec.worker({ name: "daphne-worker", image: "daphne", endpoints: { grpc: 50000 } })
 * export const daphne = Run.distributed({
 *   job: coordinator,
 *   worker: workers,
 *   replicas: 3,
 *   env: { DISTRIBUTED_WORKERS: Derived.addresses(workers.endpoints.grpc, { separator: "," }) }
 * })
 */
export const TypeId: unique symbol = Symbol.for("tyger-ts/dsl/Run")

/** A buffer produced by another run of the same workflow; the plan orders the runs accordingly. */
export interface RunOutput {
  readonly _tag: "RunOutput"
  readonly run: Any
  readonly parameter: string
}

/** An existing buffer id, `"_"` for an ephemeral buffer, or another run's output. Missing arguments are created. */
export type BufferArgument = string | RunOutput

/** A named codespec in the store: `"name"` (latest) or `"name/versions/3"`. */
export interface Reference {
  readonly _tag: "Reference"
  readonly reference: string
}

export type CodespecSource = Codespec.Any | Reference

/** A recurring run (a CronJob on Kubernetes). */
export interface Schedule {
  /** Five-field cron expression. */
  readonly cron: string
  /** IANA time zone of the cron expression. @default UTC */
  readonly timeZone?: string
  /** What to do when the previous run is still going. @default "Forbid" */
  readonly concurrencyPolicy?: "Allow" | "Forbid" | "Replace"
  /** A missed start older than this is skipped. */
  readonly startingDeadlineSeconds?: number
  readonly suspend?: boolean
}

/** A five-field cron expression, or one of the shorthands, as far as a type can tell (`compile` checks the fields). */
export type CronInput =
  | `${string} ${string} ${string} ${string} ${string}`
  | "@yearly"
  | "@annually"
  | "@monthly"
  | "@weekly"
  | "@daily"
  | "@midnight"
  | "@hourly"

interface RunOptions {
  /** The run's name in the workflow (Kubernetes object names derive from it). @default the export name */
  readonly name?: string
  /** Seconds from creation before the run is canceled. @default 43200 */
  readonly timeoutSeconds?: number
  readonly tags?: { readonly [key: string]: string }
  readonly cluster?: string
  /** Validity of the buffer access URLs handed to the run, as a .NET TimeSpan. @default "01:00:00" */
  readonly bufferAccessTtl?: string
  readonly schedule?: Schedule
}

/** Arguments by buffer parameter; a codespec without buffer parameters takes none. */
export type BufferArguments<P extends string> = [P] extends [never]
  ? { readonly [parameter: string]: never }
  : { readonly [K in P]?: BufferArgument }

interface JobTargetOptions<P extends string> {
  readonly buffers?: BufferArguments<P>
  /** Tags for the buffers the run creates. */
  readonly bufferTags?: { readonly [key: string]: string }
  /** Auto-created buffers expire after this .NET TimeSpan (`"1.00:00:00"`). */
  readonly bufferTtl?: string
  readonly nodePool?: string
  /** @default 1 */
  readonly replicas?: number
}

/**
 * The options of the typed builders: a literal name must look like a Tyger name and a literal cron like a cron
 * expression to compile (see Codespec.NameInput and {@link CronInput}); untyped runs take any strings.
 */
interface TypedRunOptions<N extends string> extends Omit<RunOptions, "name" | "schedule"> {
  /** The run's name in the workflow (Kubernetes object names derive from it). @default the export name */
  readonly name?: N & Codespec.NameInput<N>
  readonly schedule?: Schedule & { readonly cron: CronInput }
}

export interface JobRunOptions<P extends string, N extends string = string> extends TypedRunOptions<N>, JobTargetOptions<P> {}

export interface JobTarget {
  readonly codespec: CodespecSource
  readonly buffers: { readonly [parameter: string]: BufferArgument }
  readonly bufferTags: { readonly [key: string]: string } | undefined
  readonly bufferTtl: string | undefined
  readonly nodePool: string | undefined
  readonly replicas: number | undefined
  readonly env: { readonly [name: string]: Derived.Derived }
}

export interface WorkerTarget {
  readonly codespec: CodespecSource
  readonly nodePool: string | undefined
  readonly replicas: number | undefined
}

export interface Run<O extends string = string> {
  readonly [TypeId]: typeof TypeId
  readonly name: string | undefined
  readonly job: JobTarget
  readonly worker: WorkerTarget | undefined
  readonly timeoutSeconds: number | undefined
  readonly tags: { readonly [key: string]: string } | undefined
  readonly cluster: string | undefined
  readonly bufferAccessTtl: string | undefined
  readonly schedule: Schedule | undefined
  /** `file:line:column` of the builder call, for problems found by `compile`. */
  readonly location: string | undefined
  /** Options the builder did not know (plain JavaScript, a cast): `compile` reports each, none is dropped. */
  readonly unknownOptions: ReadonlyArray<Options.Unknown>
  /** Phantom: the job's output parameters, for `Run.output`. */
  readonly "~outputs"?: O
}

export type Any = Run<string>

export const isRun = (u: unknown): u is Any => typeof u === "object" && u !== null && TypeId in u

const clone = <A>(a: A): A => (a === undefined ? a : JSON.parse(JSON.stringify(a)))

const makeJobTarget = (
  codespec: CodespecSource,
  options: JobTargetOptions<string>,
  env: { readonly [name: string]: Derived.Derived } = {}
): JobTarget => ({
  codespec,
  buffers: { ...(options.buffers ?? {}) } as { [p: string]: BufferArgument },
  bufferTags: clone(options.bufferTags),
  bufferTtl: options.bufferTtl,
  nodePool: options.nodePool,
  replicas: options.replicas,
  env: { ...env }
})

const RUN_OPTIONS = ["name", "timeoutSeconds", "tags", "cluster", "bufferAccessTtl", "schedule"]
const JOB_TARGET_OPTIONS = ["buffers", "bufferTags", "bufferTtl", "nodePool", "replicas"]
const WORKER_OPTIONS = ["codespec", "nodePool", "replicas"]
const SCHEDULE_OPTIONS = ["cron", "timeZone", "concurrencyPolicy", "startingDeadlineSeconds", "suspend"]

const scheduleUnknown = (options: RunOptions): ReadonlyArray<Options.Unknown> =>
  Options.unknown("schedule", options.schedule, SCHEDULE_OPTIONS)

const make = <O extends string>(
  options: RunOptions,
  job: JobTarget,
  worker: WorkerTarget | undefined,
  unknownOptions: ReadonlyArray<Options.Unknown>
): Run<O> => ({
  [TypeId]: TypeId,
  name: options.name,
  job,
  worker,
  timeoutSeconds: options.timeoutSeconds,
  tags: clone(options.tags),
  cluster: options.cluster,
  bufferAccessTtl: options.bufferAccessTtl,
  schedule: clone(options.schedule),
  location: CallSite.capture(),
  unknownOptions: [...unknownOptions, ...scheduleUnknown(options)]
})

/** A run of one job codespec. */
export const job = <I extends string, O extends string, const N extends string = string>(
  codespec: Codespec.Job<I, O>,
  options: JobRunOptions<I | O, N> = {}
): Run<O> =>
  make(options, makeJobTarget(codespec, options), undefined,
    Options.unknown("", options, [...RUN_OPTIONS, ...JOB_TARGET_OPTIONS]))

export interface DistributedJob<I extends string, O extends string, E extends string, W extends string = string>
  extends JobTargetOptions<I | O>
{
  readonly codespec: Codespec.Job<I, O>
  /** Values derived from the workers, e.g. `Derived.addresses(worker.endpoints.grpc, { separator: "," })`. */
  readonly env?: { readonly [name: string]: Derived.Derived<E, NoInfer<W>> }
}

export interface DistributedWorker<E extends string, W extends string = string> {
  readonly codespec: Codespec.Worker<E, W>
  readonly nodePool?: string
  /** @default 1 */
  readonly replicas?: number
}

export interface DistributedOptions<
  I extends string,
  O extends string,
  E extends string,
  N extends string = string,
  W extends string = string
> extends TypedRunOptions<N> {
  readonly job: Codespec.Job<I, O> | DistributedJob<I, O, E, W>
  readonly worker: Codespec.Worker<E, W> | DistributedWorker<E, W>
  /** Number of workers (same as `worker.replicas`). @default 1 */
  readonly replicas?: number
  /** Shorthand for `job.env`. */
  readonly env?: { readonly [name: string]: Derived.Derived<E, NoInfer<W>> }
}

/** A job plus workers; the job starts when every worker endpoint accepts connections. */
export const distributed = <
  I extends string,
  O extends string,
  E extends string,
  const N extends string = string,
  W extends string = string
>(
  options: DistributedOptions<I, O, E, N, W>
): Run<O> => {
  const jobOptions: DistributedJob<I, O, E, W> = Codespec.isCodespec(options.job) ? { codespec: options.job } : options.job
  const workerOptions: DistributedWorker<E, W> = Codespec.isCodespec(options.worker)
    ? { codespec: options.worker }
    : options.worker
  const env = { ...(jobOptions.env ?? {}), ...(options.env ?? {}) }
  const unknownOptions = [
    ...Options.unknown("", options, [...RUN_OPTIONS, "job", "worker", "replicas", "env"]),
    ...(Codespec.isCodespec(options.job) ? [] : Options.unknown("job", options.job, ["codespec", ...JOB_TARGET_OPTIONS, "env"])),
    ...(Codespec.isCodespec(options.worker) ? [] : Options.unknown("worker", options.worker, WORKER_OPTIONS))
  ]
  return make(options, makeJobTarget(jobOptions.codespec, jobOptions, env), {
    codespec: workerOptions.codespec,
    nodePool: workerOptions.nodePool,
    replicas: options.replicas ?? workerOptions.replicas
  }, unknownOptions)
}

/** Feeds another run's output buffer into a buffer parameter. */
export const output = <O extends string>(run: Run<O>, parameter: NoInfer<O>): RunOutput => ({
  _tag: "RunOutput",
  run,
  parameter
})

/** A named codespec from the store, by `name` or `name/versions/N`. */
export const reference = (reference: string): Reference => ({ _tag: "Reference", reference })

/** Options for runs whose codespecs are only known at run time (Tyger run files, the CLI). */
export interface UntypedOptions extends RunOptions, JobTargetOptions<string> {
  readonly worker?: { readonly codespec: CodespecSource; readonly nodePool?: string; readonly replicas?: number }
}

export const untyped = (codespec: CodespecSource, options: UntypedOptions = {}): Any =>
  make(options, makeJobTarget(codespec, options),
    options.worker === undefined
      ? undefined
      : { codespec: options.worker.codespec, nodePool: options.worker.nodePool, replicas: options.worker.replicas },
    [
      ...Options.unknown("", options, [...RUN_OPTIONS, ...JOB_TARGET_OPTIONS, "worker"]),
      ...Options.unknown("worker", options.worker, WORKER_OPTIONS)
    ])

/** Same run, other options (a copy). */
export const withOptions = <O extends string>(run: Run<O>, options: RunOptions): Run<O> =>
  ({
    ...run,
    ...clone(options),
    name: options.name ?? run.name,
    location: CallSite.capture(),
    unknownOptions: [...run.unknownOptions, ...Options.unknown("", options, RUN_OPTIONS), ...scheduleUnknown(options)]
  }) as Run<O>

export const isReference = (u: CodespecSource): u is Reference => (u as Reference)._tag === "Reference"

/** One run per item, from {@link each}: named `<name>-<key>`, at most `limit` running at once when applied. */
export interface Each<O extends string = string> {
  readonly _tag: "Each"
  /** The runs' common name; defaults to the export's name. */
  readonly name: string | undefined
  readonly runs: ReadonlyArray<{ readonly key: string; readonly run: Run<O> }>
  /** How many of these runs may run at once; the others wait, Pending, for one to end. @default no limit */
  readonly limit: number | undefined
  readonly location: string | undefined
  /** Options `each` did not know, for `compile` to report. */
  readonly unknownOptions: ReadonlyArray<Options.Unknown>
}

export interface EachOptions<T, N extends string = string> {
  /** The runs' common name, before `-<key>`. @default the export's name */
  readonly name?: N & Codespec.NameInput<N>
  /** Each item's part of its run's name (lower case, `-` between words). @default its index: 0, 1, 2… */
  readonly key?: (item: T, index: number) => string
  /** How many of the runs may run at once when applied. @default no limit */
  readonly limit?: number
}

/**
 * Fan-out: one run per item of a list (buffer ids, file names, parameters), each named deterministically so that a
 * second apply of the same list changes nothing.
 *
 * @example
 * export const sums = Run.each(inputs, (id) => Run.job(sum, { buffers: { numbers: id } }), { limit: 3 })
 * // runs sums-0 … sums-9, three at a time
 */
export const each = <T, O extends string, const N extends string = string>(
  items: Iterable<T>,
  make: (item: T, index: number) => Run<O>,
  options: EachOptions<T, N> = {}
): Each<O> => ({
  _tag: "Each",
  name: options.name,
  runs: Array.from(items, (item, index) => ({
    key: options.key === undefined ? String(index) : options.key(item, index),
    run: make(item, index)
  })),
  limit: options.limit,
  location: CallSite.capture(),
  unknownOptions: Options.unknown("", options, ["name", "key", "limit"])
})

export const isEach = (u: unknown): u is Each =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "Each" && Array.isArray((u as Each).runs)
