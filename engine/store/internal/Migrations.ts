import type { SqlConnection } from "./Sqlite.ts"

export interface Migration {
  readonly name: string
  readonly sql: string
}

// Append only: `PRAGMA user_version` holds how many of these a database has applied, so editing or reordering an
// entry that has shipped would silently diverge existing databases. Runs and buffers arrive as new entries.
export const migrations: ReadonlyArray<Migration> = [
  {
    name: "0001_codespecs",
    sql: `
      CREATE TABLE codespecs (
        name          TEXT    NOT NULL,
        version       INTEGER NOT NULL CHECK (version >= 1),
        created_at    TEXT    NOT NULL,
        canonical_key TEXT    NOT NULL,
        spec          TEXT    NOT NULL CHECK (json_valid(spec)),
        PRIMARY KEY (name, version)
      ) STRICT;
    `
  },
  {
    // Times are epoch milliseconds so that "expired" and "past its soft-deleted lifetime" are plain comparisons.
    name: "0002_buffers",
    sql: `
      CREATE TABLE buffers (
        id           TEXT    NOT NULL PRIMARY KEY,
        created_at   INTEGER NOT NULL,
        location     TEXT    NOT NULL,
        tags         TEXT    NOT NULL CHECK (json_valid(tags)),
        soft_deleted INTEGER NOT NULL DEFAULT 0 CHECK (soft_deleted IN (0, 1)),
        expires_at   INTEGER
      ) STRICT;
      CREATE INDEX buffers_by_creation ON buffers (created_at DESC, id DESC);
      CREATE INDEX buffers_by_expiry ON buffers (expires_at) WHERE expires_at IS NOT NULL;
    `
  },
  {
    // `document` is the run as Tyger shows it (resolved inline codespecs, buffers, defaults); `plan` is what the
    // provider realises. The monitor columns let any process tell whether a run's monitor is still alive.
    name: "0003_runs",
    sql: `
      CREATE TABLE runs (
        id              INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        created_at      INTEGER NOT NULL,
        status          TEXT    NOT NULL,
        status_reason   TEXT,
        running_count   INTEGER,
        started_at      INTEGER,
        finished_at     INTEGER,
        tags            TEXT    NOT NULL CHECK (json_valid(tags)),
        document        TEXT    NOT NULL CHECK (json_valid(document)),
        plan            TEXT    NOT NULL CHECK (json_valid(plan)),
        monitor_pid     INTEGER,
        monitor_token   TEXT,
        heartbeat_at    INTEGER,
        logs_archived   INTEGER NOT NULL DEFAULT 0,
        final           INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX runs_by_creation ON runs (created_at DESC, id DESC);
      CREATE INDEX runs_unfinished ON runs (final) WHERE final = 0;
    `
  },
  {
    // `tyger apply`: per workflow, the runs its last apply left (JSON [{ name, hash, runId }]), and who is applying it.
    name: "0004_workflows",
    sql: `
      CREATE TABLE workflows (
        name       TEXT    NOT NULL PRIMARY KEY,
        source     TEXT    NOT NULL,
        applied_at INTEGER NOT NULL,
        runs       TEXT    NOT NULL CHECK (json_valid(runs))
      ) STRICT;
      CREATE TABLE workflow_locks (
        name         TEXT    NOT NULL PRIMARY KEY,
        holder_pid   INTEGER NOT NULL,
        holder_token TEXT    NOT NULL
      ) STRICT;
    `
  }
]

export const latestVersion = migrations.length

export type MigrationOutcome =
  | { readonly _tag: "UpToDate"; readonly version: number }
  | { readonly _tag: "Migrated"; readonly from: number; readonly to: number }
  | { readonly _tag: "TooNew"; readonly found: number; readonly known: number }

const readUserVersion = (connection: SqlConnection): number => {
  const value = connection.prepare("PRAGMA user_version").get()?.["user_version"]
  return typeof value === "number" ? value : Number(value ?? 0)
}

const check = (version: number): MigrationOutcome | undefined => {
  if (version === latestVersion) return { _tag: "UpToDate", version }
  if (version > latestVersion) return { _tag: "TooNew", found: version, known: latestVersion }
  return undefined
}

/**
 * Brings the schema up to date. Several processes may open a fresh database at once: the version is re-read inside
 * the IMMEDIATE transaction, so whoever waits for the write lock finds the work done. Throws driver errors.
 */
export const migrate = (connection: SqlConnection): MigrationOutcome =>
  // The common case (already migrated) must not take the write lock on every CLI invocation.
  check(readUserVersion(connection)) ??
    connection.immediate((): MigrationOutcome => {
      const from = readUserVersion(connection)
      const settled = check(from)
      if (settled !== undefined) return settled
      for (const migration of migrations.slice(from)) connection.exec(migration.sql)
      connection.exec(`PRAGMA user_version = ${latestVersion}`)
      return { _tag: "Migrated", from, to: latestVersion }
    })
