import { Effect } from "effect"
import * as CodespecDocument from "../../model/CodespecDocument.ts"
import * as FileDocuments from "../../engine/files/FileDocuments.ts"
import type { StoredCodespec } from "../../engine/store/Store.ts"
import * as GoJson from "../output/GoJson.ts"
import { rfc3339Nano } from "../output/GoTime.ts"

/** A stored codespec as Tyger's CLI re-encodes it: Go struct order, system fields included. */
export const toJson = (stored: StoredCodespec): Effect.Effect<Record<string, unknown>> => {
  const decoded = FileDocuments.decodeCodespec(stored.spec)
  if (decoded.value === undefined) {
    return Effect.die(new Error(`the stored codespec '${stored.name}' version ${stored.version} is unreadable`))
  }
  return Effect.succeed(CodespecDocument.toJson({
    ...decoded.value,
    name: stored.name,
    version: stored.version,
    createdAt: rfc3339Nano(stored.createdAt)
  }))
}

/** `json.MarshalIndent(v, "  ", "  ")`, the layout of `codespec show` and of list items. */
export const marshal = (value: unknown): string => GoJson.marshalIndent(value, "  ", "  ")
