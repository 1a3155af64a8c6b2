// The in-process CLI for buffer commands (Harness.ts's, with stdout's bytes) and sessions over one data directory.
import assert from "node:assert/strict"
import * as Path from "node:path"
import { type CliResult, type RunOptions, tygerWith } from "../Harness.ts"
import { tempDir } from "../../support/Run.ts"

export type BufferCliResult = CliResult & { readonly bytes: Uint8Array }
export type BufferRunOptions = RunOptions
export { tygerWith }

/** A fresh data directory; the returned function runs `tyger --data-dir <it> ...args` with `env`. */
export const session = (env: Readonly<Record<string, string | undefined>> = {}) => {
  const dataDir = Path.join(tempDir("tyger-cli-buffer-"), "data")
  const run = (...args: ReadonlyArray<string>) => tygerWith({ dataDir, env }, ...args)
  const withOptions = (options: Omit<BufferRunOptions, "dataDir">, ...args: ReadonlyArray<string>) =>
    tygerWith({ dataDir, env, ...options }, ...args)
  return Object.assign(run, { dataDir, with: withOptions })
}

export const succeeds = (result: BufferCliResult, stdout: string) => {
  assert.equal(result.stderr, "")
  assert.equal(result.stdout, stdout)
  assert.equal(result.code, 0)
}

export const fails = (result: BufferCliResult, ...lines: ReadonlyArray<string>) => {
  assert.equal(result.stdout, "")
  assert.equal(result.stderr, lines.map((l) => `Error: ${l}\n`).join(""))
  assert.equal(result.code, 1)
}

/** Tyger's `log.Fatal` in the plain format: `<time> FTL <message>[ error=<err>]`, nothing else, exit code 1. */
export const fatal = (result: BufferCliResult, message: string) => {
  assert.equal(result.stdout, "")
  assert.match(result.stderr, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z FTL /)
  assert.equal(result.stderr.replace(/^\S+ FTL /, ""), `${message}\n`)
  assert.equal(result.code, 1)
}

export interface ShownBuffer {
  readonly id: string
  readonly createdAt: string
  readonly location?: string
  readonly tags?: Readonly<Record<string, string>>
  readonly eTag: string
  readonly expiresAt?: string
}

/** Go's `MarshalIndent(buffer, prefix, "  ")` of a buffer, written out by hand so the layout itself is checked. */
export const bufferJson = (b: ShownBuffer, prefix = ""): string => {
  const lines = [`{`, `  "id": "${b.id}",`, `  "createdAt": "${b.createdAt}",`, `  "location": "local",`]
  const tags = Object.entries(b.tags ?? {})
  if (tags.length > 0) {
    lines.push(`  "tags": {`, ...tags.map(([k, v], i) => `    "${k}": "${v}"${i < tags.length - 1 ? "," : ""}`), `  },`)
  }
  lines.push(`  "eTag": "${b.eTag}"${b.expiresAt === undefined ? "" : ","}`)
  if (b.expiresAt !== undefined) lines.push(`  "expiresAt": "${b.expiresAt}"`)
  lines.push("}")
  return lines.join(`\n${prefix}`)
}

export const RFC3339_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/
