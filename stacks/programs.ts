import type { StackConfig } from "./config.ts"
import { distributed } from "./distributed.ts"
import { nightly } from "./nightly.ts"

/** The stack programs by name; a stack picks one with `tyger-ts:program` (default: the stack's name). */
export const PROGRAMS: { readonly [name: string]: (config: StackConfig) => Promise<{ readonly objects: ReadonlyArray<string> }> } = {
  nightly,
  distributed
}
