import * as CodespecDocument from "../../model/CodespecDocument.ts"
import type { CodespecRecord } from "../../engine/store/CodespecRecord.ts"
import * as GoJson from "../output/GoJson.ts"
import { rfc3339Nano } from "../output/GoTime.ts"

/** A stored codespec as Tyger's CLI re-encodes it: Go struct order, system fields included. */
export const toJson = (stored: CodespecRecord): Record<string, unknown> =>
  CodespecDocument.toJson({
    ...stored.spec,
    name: stored.name,
    version: stored.version,
    createdAt: rfc3339Nano(stored.createdAt)
  })

/** `json.MarshalIndent(v, "  ", "  ")`, the layout of `codespec show` and of list items. */
export const marshal = (value: unknown): string => GoJson.marshalIndent(value, "  ", "  ")
