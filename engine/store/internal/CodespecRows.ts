import { DateTime, Effect, Schema } from "effect"
import * as CodespecDocument from "../../../model/CodespecDocument.ts"
import type { CodespecRecord, ListCodespecsOptions, PutCodespecResult } from "../CodespecRecord.ts"
import { StoreError } from "../StoreError.ts"
import type { SqlConnection, SqlRow } from "./Sqlite.ts"

/**
 * Codespec versions in SQL. The `spec` column holds Tyger's JSON of the spec ({@link CodespecDocument.toJson}), and
 * this is the one place that writes it and the one decoder that reads it back, strictly as a codespec file is read.
 */
const CodespecRow = Schema.Struct({
  name: Schema.String,
  version: Schema.Int,
  created_at: Schema.String,
  spec: Schema.fromJsonString(CodespecDocument.Spec)
})

const decodeRow = Schema.decodeUnknownEffect(CodespecRow)

const encodeSpec = (spec: CodespecDocument.Spec): string => JSON.stringify(CodespecDocument.toJson(spec))

// Tyger prints createdAt with Go's RFC3339Nano, which drops trailing fractional zeros (and a fraction of zero).
const formatTimestamp = (iso: string): string =>
  iso.replace(/\.(\d*?)0*Z$/, (_match, digits: string) => (digits === "" ? "Z" : `.${digits}Z`))

const selectColumns = "SELECT name, version, created_at, spec FROM codespecs"

export interface CodespecMethods {
  /**
   * Tyger's PUT semantics: if `canonicalKey` equals the latest version's key, that version is returned unchanged;
   * otherwise version max+1 (first 1) is inserted. Compare-and-insert is one IMMEDIATE transaction, so concurrent
   * processes never duplicate or skip a version.
   */
  readonly putCodespec: (
    name: string,
    spec: CodespecDocument.Spec,
    canonicalKey: string
  ) => Effect.Effect<PutCodespecResult, StoreError>
  /** The latest version when `version` is omitted; `undefined` when there is no such codespec or version. */
  readonly getCodespec: (name: string, version?: number) => Effect.Effect<CodespecRecord | undefined, StoreError>
  readonly latestCodespecVersion: (name: string) => Effect.Effect<number | undefined, StoreError>
  /** The latest version of each codespec, sorted by name. */
  readonly listCodespecs: (options: ListCodespecsOptions) => Effect.Effect<ReadonlyArray<CodespecRecord>, StoreError>
}

export const makeCodespecMethods = Effect.fnUntraced(function*(
  connection: SqlConnection,
  use: <A>(action: string, body: () => A) => Effect.Effect<A, StoreError>,
  file: string
) {
  const toRecord = (action: string) => (row: SqlRow): Effect.Effect<CodespecRecord, StoreError> =>
    decodeRow(row, CodespecDocument.decodeOptions).pipe(
      Effect.map((decoded): CodespecRecord => ({
        name: decoded.name,
        version: decoded.version,
        createdAt: formatTimestamp(decoded.created_at),
        spec: decoded.spec
      })),
      Effect.mapError((issue) =>
        new StoreError({
          reason: "Corrupt",
          message: `Failed ${action} in ${file}: unreadable codespec row (${issue.message})`,
          cause: issue
        })
      )
    )

  const statements = yield* use("preparing statements", () => ({
    latest: connection.prepare(`${selectColumns} WHERE name = ? ORDER BY version DESC LIMIT 1`),
    latestWithKey: connection.prepare(
      "SELECT name, version, created_at, spec, canonical_key FROM codespecs WHERE name = ? ORDER BY version DESC LIMIT 1"
    ),
    byVersion: connection.prepare(`${selectColumns} WHERE name = ? AND version = ?`),
    latestVersion: connection.prepare("SELECT max(version) AS version FROM codespecs WHERE name = ?"),
    insert: connection.prepare(
      "INSERT INTO codespecs (name, version, created_at, canonical_key, spec) VALUES (?, ?, ?, ?, ?)"
    ),
    // SQLite documents that bare columns in a max() aggregate come from the row holding the maximum.
    // substr() instead of LIKE/GLOB: the prefix is a literal, and BINARY comparison keeps it case-sensitive.
    list: connection.prepare(
      "SELECT name, max(version) AS version, created_at, spec FROM codespecs" +
        " WHERE (?1 IS NULL OR substr(name, 1, length(?1)) = ?1) AND (?2 IS NULL OR name > ?2)" +
        " GROUP BY name ORDER BY name LIMIT ?3"
    )
  }))

  const putCodespec = Effect.fn("Store.putCodespec")(function*(
    name: string,
    spec: CodespecDocument.Spec,
    canonicalKey: string
  ) {
    const action = `saving codespec '${name}'`
    const specJson = encodeSpec(spec)
    const createdAt = DateTime.formatIso(yield* DateTime.now)
    const outcome = yield* use(action, () =>
      connection.immediate(() => {
        const latest = statements.latestWithKey.get(name)
        if (latest !== undefined && latest["canonical_key"] === canonicalKey) {
          const { canonical_key: _key, ...row } = latest
          return { created: false, row }
        }
        const version = latest === undefined ? 1 : Number(latest["version"]) + 1
        statements.insert.run(name, version, createdAt, canonicalKey, specJson)
        return { created: true, row: { name, version, created_at: createdAt, spec: specJson } }
      }))
    return { created: outcome.created, codespec: yield* toRecord(action)(outcome.row) } satisfies PutCodespecResult
  })

  const latestCodespecVersion = Effect.fn("Store.latestCodespecVersion")(function*(name: string) {
    const row = yield* use(`reading codespec '${name}'`, () => statements.latestVersion.get(name))
    const version = row?.["version"]
    return version === null || version === undefined ? undefined : Number(version)
  })

  const getCodespec = Effect.fn("Store.getCodespec")(function*(name: string, version?: number) {
    const action = `reading codespec '${name}'`
    const row = yield* use(
      action,
      () => version === undefined ? statements.latest.get(name) : statements.byVersion.get(name, version)
    )
    return row === undefined ? undefined : yield* toRecord(action)(row)
  })

  const listCodespecs = Effect.fn("Store.listCodespecs")(function*(options: ListCodespecsOptions) {
    // SQLite reads a negative LIMIT as "no limit", so only Infinity may become one.
    const limit = Number.isFinite(options.limit) ? Math.max(0, Math.trunc(options.limit)) : options.limit > 0 ? -1 : 0
    if (limit === 0) return []
    const action = "listing codespecs"
    const rows = yield* use(action, () => statements.list.all(options.prefix ?? null, options.after ?? null, limit))
    return yield* Effect.forEach(rows, toRecord(action))
  })

  return { putCodespec, getCodespec, latestCodespecVersion, listCodespecs } satisfies CodespecMethods
})
