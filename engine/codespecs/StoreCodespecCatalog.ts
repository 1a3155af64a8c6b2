import { Effect, Exit, Layer } from "effect"
import * as CodespecDocument from "../../model/CodespecDocument.ts"
import { CodespecCatalog, CodespecNotFound } from "./CodespecCatalog.ts"
import { Store } from "../store/Store.ts"
import type { StoreError } from "../store/StoreError.ts"

/**
 * Named codespec references resolved from the Store, failing as Tyger's server does when the codespec or the version
 * is missing. Any other store failure (locked, corrupt) is not a compile problem and surfaces as a defect.
 */
export const layer: Layer.Layer<CodespecCatalog, never, Store> = Layer.effect(
  CodespecCatalog,
  Effect.gen(function*() {
    const store = yield* Store

    const notFound = Effect.fnUntraced(function*(name: string, version: number | undefined) {
      if (version === undefined) return yield* new CodespecNotFound({ name })
      const latest = yield* store.latestCodespecVersion(name).pipe(Effect.orDie)
      return yield* latest === undefined
        ? new CodespecNotFound({ name })
        : new CodespecNotFound({ name, version, latest })
    })

    const resolve = Effect.fn("StoreCodespecCatalog.resolve")(function*(name: string, version: number | undefined) {
      const stored = yield* store.getCodespec(name, version).pipe(
        Effect.catchTag("StoreError", (error: StoreError) =>
          error.reason === "NotFound" ? notFound(name, version) : Effect.die(error))
      )
      const decoded = CodespecDocument.decodeUnknown(stored.spec, CodespecDocument.decodeOptions)
      if (Exit.isFailure(decoded)) {
        return yield* Effect.die(new Error(`the stored codespec '${name}' version ${stored.version} is unreadable`))
      }
      return { name: stored.name, version: stored.version, createdAt: stored.createdAt, spec: decoded.value }
    })

    return CodespecCatalog.of({ resolve })
  })
)
