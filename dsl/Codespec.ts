import * as CodespecDocument from "../model/CodespecDocument.ts"
import * as CallSite from "./internal/CallSite.ts"

/**
 * Typed codespec builders. A builder only records what was written; `compile` validates it with Tyger's rules, so a
 * library of codespecs can be imported without side effects and every problem is reported in one place.
 *
 * @example
 * const hello = Codespec.job({
 *   name: "hello",
 *   image: "busybox",
 *   buffers: { inputs: ["input"], outputs: ["output"] },
 *   command: ["sh", "-c", 'echo "Hello $(cat "$INPUT_PIPE")" > "$OUTPUT_PIPE"']
 * })
 */
export const TypeId: unique symbol = Symbol.for("tyger-ts/dsl/Codespec")

/** Kubernetes quantity suffixes: decimal (`m` is milli, `k`, `M`, `G`…) and binary (`Ki`, `Mi`, `Gi`…). */
export type QuantitySuffix = "" | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei"

/**
 * A Kubernetes quantity as written: `"500m"`, `"4G"`, `"1Gi"`, `2`. A number with one of Kubernetes' suffixes, so
 * that `"1Gb"` or `"2 cores"` fail to compile (`compile` checks the same at run time, for plain JavaScript).
 */
export type QuantityInput = number | `${number}${QuantitySuffix}`

/**
 * A name as Tyger wants it, as far as a type can tell: a literal with capitals, spaces, `_`, `.` or `/` is `never`,
 * so it fails to compile at the name (Tyger's names are lower case with `-` between words); a name only known at run
 * time (`string`, a template) is left to `compile`, which checks the rest.
 */
export type NameInput<N extends string> = N extends `${string}${UpperCaseLetter | " " | "_" | "." | "/"}${string}` ? never : N

type UpperCaseLetter =
  | "A" | "B" | "C" | "D" | "E" | "F" | "G" | "H" | "I" | "J" | "K" | "L" | "M"
  | "N" | "O" | "P" | "Q" | "R" | "S" | "T" | "U" | "V" | "W" | "X" | "Y" | "Z"

export interface ResourcesInput {
  readonly requests?: { readonly cpu?: QuantityInput; readonly memory?: QuantityInput }
  readonly limits?: { readonly cpu?: QuantityInput; readonly memory?: QuantityInput }
  /** Number of GPUs. */
  readonly gpu?: QuantityInput
  /** Size of `/dev/shm`. @default the runtime's default (64 MiB on Docker) */
  readonly shm?: QuantityInput
}

interface CommonOptions<N extends string = string> {
  /**
   * Named codespecs are stored and versioned; without a name the codespec is inline in its run. Lower case, `-`
   * between words (see {@link NameInput}).
   */
  readonly name?: N & NameInput<N>
  /** The container image. Required. */
  readonly image: string
  /** Entrypoint array, not run in a shell. `$(VAR)` references are expanded. @default the image's ENTRYPOINT */
  readonly command?: ReadonlyArray<string>
  /** Arguments to the entrypoint; `$(VAR)` references are expanded. @default the image's CMD */
  readonly args?: ReadonlyArray<string>
  readonly workingDir?: string
  /** Environment; values may reference earlier variables with `$(VAR)`, `$$` escapes. */
  readonly env?: { readonly [name: string]: string }
  /** A workload identity (Kubernetes only). */
  readonly identity?: string
  readonly resources?: ResourcesInput
  /** @default 1 */
  readonly maxReplicas?: number
}

export interface JobOptions<I extends string, O extends string, N extends string = string> extends CommonOptions<N> {
  /** Buffer parameters; each becomes a named pipe at `$(<NAME>_PIPE)`. */
  readonly buffers?: { readonly inputs?: ReadonlyArray<I>; readonly outputs?: ReadonlyArray<O> }
  readonly sockets?: ReadonlyArray<{ readonly port: number; readonly inputBuffer?: I; readonly outputBuffer?: O }>
}

export interface WorkerOptions<E extends string, N extends string = string> extends CommonOptions<N> {
  /** Named TCP ports the workers listen on. */
  readonly endpoints?: { readonly [K in E]: number }
}

/** A reference to one endpoint of a worker codespec, usable in derived env values. */
export interface EndpointRef<E extends string = string, W extends string = string> {
  readonly _tag: "EndpointRef"
  readonly codespec: string | undefined
  readonly endpoint: E
  readonly port: number
  /** Phantom: the worker's name, so that an endpoint of another named worker is refused where this one is expected. */
  readonly "~worker"?: W
}

interface Base {
  readonly [TypeId]: typeof TypeId
  readonly name: string | undefined
  /** What was written, in Tyger's JSON shape (not yet validated). */
  readonly spec: CodespecDocument.Encoded
  /** `file:line:column` of the builder call, for problems found by `compile`. */
  readonly location?: string | undefined
}

export interface Job<I extends string = string, O extends string = string> extends Base {
  readonly kind: "job"
  readonly inputs: ReadonlyArray<I>
  readonly outputs: ReadonlyArray<O>
}

export interface Worker<E extends string = string, W extends string = string> extends Base {
  readonly kind: "worker"
  readonly endpoints: { readonly [K in E]: EndpointRef<K, W> }
}

/** A codespec whose kind is only known from its content (a YAML file, a stored spec). */
export interface Untyped extends Base {
  readonly kind: "unknown"
}

export type Any = Job<string, string> | Worker<string> | Untyped

export const isCodespec = (u: unknown): u is Any => typeof u === "object" && u !== null && TypeId in u

const toSpec = (kind: CodespecDocument.Kind, options: object): CodespecDocument.Encoded =>
  ({ kind, ...structuredCloneReadonly(options) }) as CodespecDocument.Encoded

// Builders keep their own copy so that later mutation of the caller's objects cannot change a compiled plan.
const structuredCloneReadonly = (o: object): Record<string, unknown> => JSON.parse(JSON.stringify(o))

/** A job codespec; buffer parameter names are kept as literal types for `Run.job`. */
export const job = <const I extends string = never, const O extends string = never, const N extends string = string>(
  options: JobOptions<I, O, N>
): Job<I, O> => ({
  [TypeId]: TypeId,
  kind: "job",
  name: options.name,
  spec: toSpec("job", options),
  inputs: options.buffers?.inputs ?? [],
  outputs: options.buffers?.outputs ?? [],
  location: CallSite.capture()
})

// Property reads that are not endpoint names: the Promise protocol, JSON, and runtimes' inspection hooks.
const NOT_ENDPOINTS = new Set(["then", "toJSON", "asymmetricMatch", "$$typeof", "nodeType", "inspect"])

/**
 * The endpoints object: a name the worker does not declare still gives a reference (to no port), so that
 * `Derived.addresses(worker.endpoints.missing)` in plain JavaScript or behind a cast reaches `compile`, which reports
 * it with the endpoints there are, instead of crashing the module's loading.
 */
const endpointsOf = <E extends string, N extends string>(name: N | undefined, declared: { [K in E]: EndpointRef<K, N> }) =>
  new Proxy(declared, {
    get: (target, key, receiver) =>
      typeof key !== "string" || key in target || NOT_ENDPOINTS.has(key)
        ? Reflect.get(target, key, receiver)
        : { _tag: "EndpointRef", codespec: name, endpoint: key, port: 0 }
  })

/** A worker codespec; `worker.endpoints.<name>` are typed references for derived env values. */
export const worker = <const E extends string = never, const N extends string = string>(options: WorkerOptions<E, N>): Worker<E, N> => {
  const endpoints = {} as { [K in E]: EndpointRef<K, N> }
  for (const [endpoint, port] of Object.entries(options.endpoints ?? {}) as Array<[E, number]>) {
    endpoints[endpoint] = { _tag: "EndpointRef", codespec: options.name, endpoint, port } as EndpointRef<typeof endpoint, N>
  }
  return {
    [TypeId]: TypeId,
    kind: "worker",
    name: options.name,
    spec: toSpec("worker", options),
    endpoints: endpointsOf(options.name, endpoints),
    location: CallSite.capture()
  }
}

/** Wraps a spec read from a file or the store; its kind and validity are settled by `compile`. */
export const fromSpec = (spec: CodespecDocument.Encoded): Untyped => ({
  [TypeId]: TypeId,
  kind: "unknown",
  name: typeof spec.name === "string" && spec.name !== "" ? spec.name : undefined,
  spec
})

/** A copy with fields replaced, e.g. another image tag for the same library codespec. */
export const with_ = <C extends Any>(codespec: C, patch: Partial<CommonOptions>): C => ({
  ...codespec,
  name: patch.name ?? codespec.name,
  spec: { ...codespec.spec, ...structuredCloneReadonly(patch) },
  location: CallSite.capture()
})
export { with_ as with }
