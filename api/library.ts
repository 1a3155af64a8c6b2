/**
 * `tyger-ts/library`: the codespecs tyger-ts ships (hello, ffmpeg negate, Tyger's gadgetron examples, DAPHNE's
 * coordinator and distributed worker, a nightly schedule), each a typed module built with the DSL. Loads `effect` only.
 *
 * @example
 * ```ts
 * import { Run } from "tyger-ts"
 * import { Gadgetron } from "tyger-ts/library"
 *
 * export const recon = Run.job(Gadgetron.basic, { buffers: { input: "<raw data buffer id>" } })
 * ```
 * @module
 */
export * from "../dsl/library/index.ts"
