import type { BufferIds } from "../providers/kubernetes/WorkflowComponent.ts"
import type { StackConfig } from "./config.ts"
import { distributed } from "./distributed.ts"
import { nightly } from "./nightly.ts"

/**
 * A stack's outputs: `objects`, the `Kind/name` of every Kubernetes object it applies; `buffers`, the buffer id of
 * every run parameter known before the pods run (`pulumi stack output buffers`, then `tyger buffer read <id>` …).
 */
export interface StackOutputs {
  readonly objects: ReadonlyArray<string>
  readonly buffers: BufferIds
}

/** The stack programs by name; a stack picks one with `tyger-ts:program` (default: the stack's name). */
export const PROGRAMS: { readonly [name: string]: (config: StackConfig) => Promise<StackOutputs> } = {
  nightly,
  distributed
}
