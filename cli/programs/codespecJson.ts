import { Effect } from "effect"
import * as CodespecSpec from "../../dsl/CodespecSpec.ts"
import * as TygerFile from "../../dsl/TygerFile.ts"
import type { StoredCodespec } from "../../engine/Store.ts"
import * as GoJson from "../output/goJson.ts"
import { rfc3339Nano } from "../output/goTime.ts"

/** A stored codespec as Tyger's CLI re-encodes it: Go struct order, system fields included. */
export const toJson = (stored: StoredCodespec): Effect.Effect<Record<string, unknown>> => {
  const decoded = TygerFile.decodeCodespec(stored.spec)
  if (decoded.value === undefined) {
    return Effect.die(new Error(`the stored codespec '${stored.name}' version ${stored.version} is unreadable`))
  }
  return Effect.succeed(CodespecSpec.toJson({
    ...decoded.value,
    name: stored.name,
    version: stored.version,
    createdAt: rfc3339Nano(stored.createdAt)
  }))
}

/** `json.MarshalIndent(v, "  ", "  ")`, the layout of `codespec show` and of list items. */
export const marshal = (value: unknown): string => GoJson.marshalIndent(value, "  ", "  ")
