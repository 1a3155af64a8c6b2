import * as Codespec from "./Codespec.ts"
import * as Run from "./Run.ts"

/**
 * What `compile` takes: named runs plus codespecs to publish. A workflow module's exports become one with
 * {@link fromModule}: every exported run (named after its export unless it has a name) and codespec, also inside
 * exported arrays and plain objects.
 */
export const TypeId: unique symbol = Symbol.for("tyger-ts/dsl/Workflow")

/** Runs of one {@link Run.each}: their common name, and how many may run at once. */
export interface Group {
  readonly name: string
  readonly limit: number | undefined
  /** Where the fan-out was written, for its problems. */
  readonly location: string | undefined
  readonly unknownOptions: ReadonlyArray<{ readonly option: string; readonly valid: ReadonlyArray<string> }>
}

export interface Entry {
  readonly key: string
  readonly run: Run.Any
  readonly group?: Group
}

export interface Workflow {
  readonly [TypeId]: typeof TypeId
  readonly runs: ReadonlyArray<Entry>
  readonly codespecs: ReadonlyArray<{ readonly key: string; readonly codespec: Codespec.Any }>
}

export const isWorkflow = (u: unknown): u is Workflow => typeof u === "object" && u !== null && TypeId in u

/** The fan-out's runs as workflow entries: `<name>-<key>` unless a run has a name of its own. */
const entriesOf = (name: string, each: Run.Each): ReadonlyArray<Entry> => {
  const group: Group = { name: each.name ?? name, limit: each.limit, location: each.location, unknownOptions: each.unknownOptions }
  return each.runs.map(({ key, run }) => ({ key: run.name ?? `${group.name}-${kebab(key)}`, run, group }))
}

export const make = (options: {
  readonly runs?: { readonly [key: string]: Run.Any | Run.Each } | ReadonlyArray<Run.Any>
  readonly codespecs?: ReadonlyArray<Codespec.Any>
}): Workflow => {
  const runs: ReadonlyArray<Entry> = Array.isArray(options.runs)
    ? (options.runs as ReadonlyArray<Run.Any>).map((run, i) => ({ key: run.name ?? `run-${i}`, run }))
    : Object.entries((options.runs ?? {}) as { [key: string]: Run.Any | Run.Each }).flatMap(([key, value]) =>
      Run.isEach(value) ? entriesOf(key, value) : [{ key, run: value }])
  const codespecs = (options.codespecs ?? []).map((codespec, i) => ({ key: codespec.name ?? `codespec-${i}`, codespec }))
  return { [TypeId]: TypeId, runs, codespecs }
}

/** `nightlyReport` → `nightly-report`: export names become DNS-safe run names. */
export const kebab = (name: string): string =>
  name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").replace(/[_\s]+/g, "-").toLowerCase()

const MAX_DEPTH = 3

/** Plain objects, and module namespaces (`export * as Gadgetron from "./gadgetron.ts"`), tagged "Module" by the spec. */
const isPlainObject = (value: unknown): value is object => {
  if (typeof value !== "object" || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null || Object.prototype.toString.call(value) === "[object Module]"
}

export const fromModule = (exports: { readonly [name: string]: unknown }): Workflow => {
  const runs: Array<Entry> = []
  const codespecs: Array<{ key: string; codespec: Codespec.Any }> = []
  const seenRuns = new Set<Run.Any>()
  const seenCodespecs = new Set<Codespec.Any>()
  const visit = (key: string, value: unknown, depth: number): void => {
    if (Run.isRun(value)) {
      if (!seenRuns.has(value)) runs.push({ key: value.name ?? kebab(key), run: value })
      seenRuns.add(value)
    } else if (Codespec.isCodespec(value)) {
      if (!seenCodespecs.has(value)) codespecs.push({ key: value.name ?? kebab(key), codespec: value })
      seenCodespecs.add(value)
    } else if (Run.isEach(value)) {
      for (const entry of entriesOf(kebab(key), value)) {
        if (!seenRuns.has(entry.run)) runs.push(entry)
        seenRuns.add(entry.run)
      }
    } else if (isWorkflow(value)) {
      for (const r of value.runs) {
        if (r.group === undefined) visit(r.key, r.run, depth + 1)
        else if (!seenRuns.has(r.run)) {
          runs.push(r)
          seenRuns.add(r.run)
        }
      }
      for (const c of value.codespecs) visit(c.key, c.codespec, depth + 1)
    } else if (depth < MAX_DEPTH && Array.isArray(value)) {
      value.forEach((item, i) => visit(`${key}-${i}`, item, depth + 1))
    } else if (depth < MAX_DEPTH && isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) visit(k, v, depth + 1)
    }
  }
  for (const [name, value] of Object.entries(exports)) if (name !== "default") visit(name, value, 0)
  if ("default" in exports) visit("default", exports["default"], 0)
  return { [TypeId]: TypeId, runs, codespecs }
}
