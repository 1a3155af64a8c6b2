import { Context, Effect, Layer } from "effect"
import * as CodespecDocument from "../../model/CodespecDocument.ts"
import type { CodespecRecord, ListCodespecsOptions } from "../store/CodespecRecord.ts"
import { Store } from "../store/Store.ts"
import type { StoreError } from "../store/StoreError.ts"
import { CodespecCatalog, CodespecNotFound } from "./CodespecCatalog.ts"

/**
 * Named, versioned codespecs, as Tyger's server keeps them: what `tyger codespec …` and run creation publish and read.
 * Specs go in and come out as {@link CodespecDocument.Spec}; the Store keeps them as rows.
 */
export class Codespecs extends Context.Service<Codespecs, {
  /**
   * Tyger's versioning: a spec identical to the latest version of `name` (by {@link CodespecDocument.canonicalKey})
   * returns that version unchanged, anything else becomes latest + 1 (the first is 1). The system fields `name`,
   * `version` and `createdAt` of `spec` are ignored, as Tyger's server ignores them on create.
   */
  readonly publish: (name: string, spec: CodespecDocument.Spec) => Effect.Effect<CodespecRecord, StoreError>
  /** The latest version when `version` is omitted. */
  readonly get: (name: string, version?: number) => Effect.Effect<CodespecRecord, CodespecNotFound | StoreError>
  /** The latest version of each codespec, sorted by name (see {@link ListCodespecsOptions} for the paging). */
  readonly list: (options: ListCodespecsOptions) => Effect.Effect<ReadonlyArray<CodespecRecord>, StoreError>
}>()("tyger-ts/engine/Codespecs") {
  /**
   * Codespecs over the Store, and the {@link CodespecCatalog} `compile` resolves named references from. The catalog
   * stays a separate, one-method service: `compile` needs only `resolve` (and runs without any catalog when no store
   * is at hand), so it does not depend on publishing or listing, and its tests fake it with a map.
   */
  static readonly layer: Layer.Layer<Codespecs | CodespecCatalog, never, Store> = Layer.effectContext(Effect.gen(function*() {
    const store = yield* Store

    const publish = Effect.fn("Codespecs.publish")(function*(name: string, spec: CodespecDocument.Spec) {
      // The one place system fields are dropped: stored specs never carry them, so a spec read back can be published
      // again unchanged. The compare-and-insert itself is the Store's, in one transaction across processes.
      const stripped = CodespecDocument.withoutSystemFields(spec)
      const { codespec } = yield* store.putCodespec(name, stripped, CodespecDocument.canonicalKey(stripped))
      return codespec
    })

    const get = Effect.fn("Codespecs.get")(function*(name: string, version?: number) {
      const found = yield* store.getCodespec(name, version)
      if (found !== undefined) return found
      if (version === undefined) return yield* new CodespecNotFound({ name })
      const latest = yield* store.latestCodespecVersion(name)
      return yield* latest === undefined
        ? new CodespecNotFound({ name })
        : new CodespecNotFound({ name, version, latest })
    })

    const list = Effect.fn("Codespecs.list")(function*(options: ListCodespecsOptions) {
      return yield* store.listCodespecs(options)
    })

    // Any store failure other than a missing codespec (locked, corrupt) is not a compile problem: it is a defect there.
    const resolve = (name: string, version: number | undefined) =>
      get(name, version).pipe(Effect.catchTag("StoreError", (error) => Effect.die(error)))

    return Context.make(Codespecs, Codespecs.of({ publish, get, list })).pipe(
      Context.add(CodespecCatalog, CodespecCatalog.of({ resolve }))
    )
  }))
}
