/**
 * `tyger-ts`: the typed DSL for Tyger codespecs and runs. It loads `effect` and nothing else, so a codespec library
 * built on it imports anywhere (Node, Bun, Deno, a bundler).
 *
 * @example
 * ```ts
 * import { Codespec, Run } from "tyger-ts"
 *
 * export const hello = Codespec.job({
 *   name: "hello",
 *   image: "busybox",
 *   buffers: { inputs: ["input"], outputs: ["output"] },
 *   command: ["sh", "-c", 'echo "Hello $(cat "$INPUT_PIPE")" > "$OUTPUT_PIPE"']
 * })
 * export const greet = Run.job(hello, { buffers: { input: "<buffer id>" } }) // only "input" | "output" type-check
 * ```
 * @module
 */
export * as Codespec from "../dsl/Codespec.ts"
export * as Derived from "../dsl/Derived.ts"
export * as Run from "../dsl/Run.ts"
export * as Workflow from "../dsl/Workflow.ts"
