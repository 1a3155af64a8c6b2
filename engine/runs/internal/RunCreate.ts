// Creating a run, shared by `Runs.create` (which then launches a monitor) and `Runs.exec` (which hosts it).
import { Effect, Result, Schema } from "effect"
import type * as Run from "../../../dsl/Run.ts"
import * as TimeSpan from "../../../model/TimeSpan.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import { Buffers } from "../../buffers/Buffers.ts"
import * as EphemeralAccess from "../../buffers/EphemeralAccess.ts"
import * as EphemeralBuffers from "../../buffers/EphemeralBuffers.ts"
import * as Compile from "../../plan/Compile.ts"
import * as IgnoredSettings from "../../plan/IgnoredSettings.ts"
import * as Plan from "../../plan/Plan.ts"
import { Provider } from "../Provider.ts"
import * as RunDocument from "../RunDocumentFromPlan.ts"
import { Store } from "../../store/Store.ts"
import { Codespecs } from "../../codespecs/Codespecs.ts"

/** Why a run could not be created or found, with Tyger's messages where Tyger has them. */
export class RunsError extends Schema.TaggedError<RunsError>()("RunsError", {
  reason: Schema.Literals(["NotFound", "BufferNotFound", "Unsupported", "InvalidInput"]),
  message: Schema.String
}) {}

export interface CreateOptions {
  /** Pull missing images first (Tyger's `--pull`); progress lines go to `onProgress`. */
  readonly pull?: boolean
  readonly onProgress?: (line: string) => Effect.Effect<void>
}

const DEFAULT_RUN_NAME = "run"

/**
 * Runs needs only the Store: the Codespecs service over it costs nothing to build, so it is provided here, where runs
 * are planned and recorded, rather than added to what every composition of Runs must give.
 */
const withCodespecs = Effect.provide(Codespecs.layer)

/** Named DSL codespecs are published as `codespec create` would; stored ones keep their version. */
const publishCodespecs = Effect.fnUntraced(function*(plan: Plan.Plan) {
  const codespecs = yield* Codespecs
  const origins = new Map<string, RunDocument.CodespecOrigin>()
  for (const codespec of plan.codespecs) {
    if (codespec.name === undefined) continue
    const stored = codespec.version === undefined
      ? yield* codespecs.publish(codespec.name, codespec.spec)
      // Compile has just resolved this version, and versions are never deleted: its absence would be a defect.
      : yield* codespecs.get(codespec.name, codespec.version).pipe(Effect.catchTag("CodespecNotFound", (e) => Effect.die(e)))
    origins.set(codespec.id, { name: stored.name, version: stored.version, createdAt: stored.createdAt })
  }
  return origins
})

/** Every parameter bound to a buffer id: given ids must exist, missing ones are created (tagged `bufferName`). */
const bindBuffers = Effect.fnUntraced(function*(plan: Plan.Plan, run: Plan.Run) {
  const buffers = yield* Buffers
  const bound: Record<string, string> = {}
  for (const { name } of RunDocument.parameters(plan, run)) {
    const binding = run.job.buffers[name] ?? { kind: "create" as const }
    switch (binding.kind) {
      case "create": {
        const ttl = run.job.bufferTtl === undefined ? undefined : Result.getOrUndefined(TimeSpan.parseDotNet(run.job.bufferTtl))
        const created = yield* buffers.create({
          tags: { ...run.job.bufferTags, bufferName: name },
          ...(ttl === undefined ? {} : { ttl: TimeSpan.toDuration(ttl) })
        })
        bound[name] = created.id
        break
      }
      case "buffer": {
        yield* buffers.get(binding.id).pipe(
          Effect.mapError(() => new RunsError({ reason: "BufferNotFound", message: `The buffer '${binding.id}' was not found` }))
        )
        bound[name] = binding.id
        break
      }
      case "ephemeral":
        // Tyger's `temp-<uid>`, renamed `run-<runId>-temp-<uid>` once the run has its id: no buffer is created.
        bound[name] = EphemeralBuffers.temporaryId()
        break
      case "runOutput":
        return yield* new RunsError({
          reason: "InvalidInput",
          message: `The buffer for '${name}' comes from run '${binding.run}': create that run first and pass its buffer id`
        })
    }
  }
  return bound
})

/** One run compiled against the provider's capabilities, its named codespecs resolved from the store. */
export const plan = Effect.fn("Runs.plan")(function*(run: Run.Any) {
  const provider = yield* Provider
  const workflow = Workflow.make({ runs: { [run.name ?? DEFAULT_RUN_NAME]: run } })
  const compiled = yield* Compile.compile(workflow, {
    capabilities: provider.capabilities,
    ...(provider.ignores === undefined ? {} : { ignores: provider.ignores }),
    provider: provider.name
  }).pipe(withCodespecs)
  return { plan: compiled, run: compiled.runs[0]! }
})

/**
 * Checks with the provider (images present or pulled), then records the run: codespecs published, buffers bound, the
 * run Pending. Nothing is recorded when a check fails.
 */
export const createRecord = Effect.fn("Runs.createRecord")(function*(
  planned: { readonly plan: Plan.Plan; readonly run: Plan.Run },
  options: CreateOptions
) {
  const provider = yield* Provider
  const store = yield* Store
  yield* provider.prepare({ plan: planned.plan, run: planned.run, pull: options.pull ?? false }, options.onProgress ?? (() => Effect.void))
  const origins = yield* withCodespecs(publishCodespecs(planned.plan))
  const buffers = yield* bindBuffers(planned.plan, planned.run)
  // The plan keeps every setting; the run as shown is the one the provider realises (no ignored cluster).
  const documentOf = (bound: typeof buffers) =>
    RunDocument.make(planned.plan, IgnoredSettings.recorded(planned.run, provider.ignores), bound, origins)
  const record = yield* store.createRun({
    tags: planned.run.tags,
    document: documentOf(buffers),
    plan: Plan.encode({ ...planned.plan, runs: [planned.run] }),
    ...(Object.values(buffers).some(EphemeralBuffers.isEphemeral)
      ? { documentFor: (id: number) => documentOf(Object.fromEntries(Object.entries(buffers).map(([p, b]) => [p, EphemeralBuffers.qualify(b, id)]))) }
      : {})
  })
  yield* Effect.promise(() => Promise.all(Object.values(record.buffers).map((id) => EphemeralAccess.reserve(store.dataDir, id))))
  // Once the run exists: a run that could not be created needs no word about settings it would have gone without.
  for (const warning of IgnoredSettings.warnings(planned.plan, planned.run, provider.ignores, provider.name)) {
    yield* Effect.logWarning(warning)
  }
  return record
})
