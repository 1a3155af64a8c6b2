import { Effect } from "effect"
import { Store } from "../../engine/store/Store.ts"
import { CliIo } from "../CliIo.ts"
import type { Stored } from "./Candidates.ts"

/** Enough for a shell's menu; the newest first, as `list` shows them. */
const LIMIT = 1000

const rows = (store: Store["Service"], of: Stored, prefix: string) => {
  switch (of) {
    case "run":
      return store.listRuns({ limit: LIMIT }).pipe(Effect.map((runs) => runs.map((r) => `${r.id}\t${r.status}`)))
    case "buffer":
      return store.listBuffers({ limit: LIMIT, softDeleted: false }).pipe(Effect.map((buffers) => buffers.map((b) => b.id)))
    case "codespec":
      return store.listCodespecs({ prefix, limit: LIMIT }).pipe(Effect.map((codespecs) => codespecs.map((c) => `${c.name}\tversion ${c.version}`)))
    case "workflow":
      return store.listWorkflows().pipe(Effect.map((workflows) => workflows.map((w) => `${w.name}\t${w.source}`)))
  }
}

/**
 * The names `of` kind in the store that start with `prefix`, one per line with a tab and a description. It reads the
 * store only (the run and buffer services would reconcile and sweep as they read), and never fails: a completion
 * that cannot read the store offers nothing rather than an error in the middle of the command line.
 */
export const storedNames = (of: Stored, prefix: string) =>
  Effect.gen(function*() {
    const store = yield* Store
    const io = yield* CliIo
    const lines = (yield* rows(store, of, prefix)).filter((line) => line.startsWith(prefix))
    yield* io.out(lines.map((line) => `${line}\n`).join(""))
  }).pipe(Effect.catchCause(() => Effect.void))
