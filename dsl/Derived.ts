import type * as Codespec from "./Codespec.ts"
import * as Options from "./internal/Options.ts"

/**
 * Env values computed from a distributed run's topology once the provider knows the workers' addresses: Tyger's JSON
 * arrays, or joined with a separator for programs such as DAPHNE (`DISTRIBUTED_WORKERS=host:port,host:port`).
 */
export interface Derived<E extends string = string, W extends string = string> {
  readonly _tag: "Derived"
  readonly source:
    | { readonly kind: "workerNodes" }
    | { readonly kind: "endpointAddresses"; readonly endpoint: E; readonly codespec: string | undefined }
  readonly format: { readonly kind: "json" } | { readonly kind: "join"; readonly separator: string }
  /** Options the builder did not know, for `compile` to report. */
  readonly unknownOptions?: ReadonlyArray<Options.Unknown>
  /** Phantom: the worker whose endpoint this is (see Codespec.EndpointRef). */
  readonly "~worker"?: W
}

export interface FormatOptions {
  /** Join with this separator instead of Tyger's JSON array. */
  readonly separator?: string
}

// Left out when empty, so that a derived value stays the plain data it was.
const unknownOf = (options: FormatOptions | undefined) => {
  const unknownOptions = Options.unknown("", options, ["separator"])
  return unknownOptions.length === 0 ? {} : { unknownOptions }
}

const format = (options: FormatOptions | undefined): Derived["format"] =>
  options?.separator === undefined ? { kind: "json" } : { kind: "join", separator: options.separator }

/**
 * Every worker's `host:port` for one endpoint, in worker order. A missing reference (plain JavaScript) is kept as an
 * empty endpoint name for `compile` to report, rather than thrown while the workflow module loads.
 */
export const addresses = <E extends string, W extends string>(
  ref: Codespec.EndpointRef<E, W>,
  options?: FormatOptions
): Derived<E, W> => ({
  _tag: "Derived",
  source: { kind: "endpointAddresses", endpoint: (ref?.endpoint ?? "") as E, codespec: ref?.codespec },
  format: format(options),
  ...unknownOf(options)
})

/** Every worker's host name, in worker order. */
export const workerNodes = (options?: FormatOptions): Derived<never, never> => ({
  _tag: "Derived",
  source: { kind: "workerNodes" },
  format: format(options),
  ...unknownOf(options)
})

export const isDerived = (u: unknown): u is Derived =>
  typeof u === "object" && u !== null && (u as { _tag?: unknown })._tag === "Derived"

/** The value a provider injects, given the workers' host names in order and the endpoint ports. */
export const render = (
  derived: Pick<Derived, "source" | "format">,
  hosts: ReadonlyArray<string>,
  ports: { readonly [endpoint: string]: number }
): string => {
  const items = derived.source.kind === "workerNodes"
    ? hosts
    : hosts.map((h) => `${h}:${ports[(derived.source as { endpoint: string }).endpoint]}`)
  return derived.format.kind === "json" ? JSON.stringify(items) : items.join(derived.format.separator)
}
