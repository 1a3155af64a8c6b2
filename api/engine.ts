/**
 * `tyger-ts/engine`: compile a workflow to a plan and run it from an Effect program. `local` is the whole engine on
 * this machine's Docker (Store, codespecs, buffers, runs, workflows) as one layer; `Workflows.apply` applies a whole
 * workflow as `tyger apply` does.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { NodeRuntime } from "@effect/platform-node"
 * import { Run } from "tyger-ts"
 * import { local, Runs } from "tyger-ts/engine"
 * import { Hello } from "tyger-ts/library"
 *
 * const program = Effect.gen(function*() {
 *   const runs = yield* Runs
 *   const run = yield* runs.create(Run.job(Hello.hello, { buffers: { input: "<buffer id>" } }))
 *   yield* Effect.log(`run ${run.id} created`)
 * })
 * NodeRuntime.runMain(program.pipe(Effect.provide(local({ dataDir: "./.tyger" }))))
 * ```
 * @module
 */
import * as LocalEngine from "../providers/docker/LocalEngine.ts"

/**
 * Buffers on Azure Blob Storage, for `local({ dataDir, blobStore: azureBlobStore({ connectionString, location }) })`.
 * Needs the optional peer `@azure/storage-blob`; without it the layer fails with reason `MissingPackage`, naming it.
 */
export { layer as azureBlobStore } from "../engine/buffers/AzureBackend.ts"
export { BlobStore, BlobStoreError } from "../engine/buffers/BlobStore.ts"
export * as BufferReader from "../engine/buffers/BufferReader.ts"
export { Buffers, BuffersError } from "../engine/buffers/Buffers.ts"
export * as BufferWriter from "../engine/buffers/BufferWriter.ts"
export { CodespecCatalog, CodespecNotFound } from "../engine/codespecs/CodespecCatalog.ts"
export { Codespecs } from "../engine/codespecs/Codespecs.ts"
export * as YamlFiles from "../engine/files/YamlFiles.ts"
export { compile, type CompileOptions } from "../engine/plan/Compile.ts"
export * as Plan from "../engine/plan/Plan.ts"
export { PlanCompileError } from "../engine/plan/PlanCompileError.ts"
export { Provider, ProviderError } from "../engine/runs/Provider.ts"
export { ExecOutputError, RunFailedError, Runs, RunsError, type RunsFailure } from "../engine/runs/Runs.ts"
export type { RunRecord, Status as RunStatus } from "../engine/store/RunRecord.ts"
export { Store } from "../engine/store/Store.ts"
export { StoreError } from "../engine/store/StoreError.ts"
export type { Action as WorkflowAction } from "../engine/workflows/WorkflowDiff.ts"
export { type ApplyOptions, type ApplyResult, Workflows, WorkflowsError } from "../engine/workflows/Workflows.ts"
export type { Options as LocalOptions, Services as LocalServices } from "../providers/docker/LocalEngine.ts"

/** The whole local engine on Docker, as one layer (see {@link LocalEngine.layer}). */
export const local: typeof LocalEngine.layer = LocalEngine.layer
