// The one place that knows which SQLite binding is in use. `node:sqlite` (DatabaseSync) behaves alike under Node 22,
// Bun 1.4 and Deno 2.9 (file locking, WAL, busy timeout), so there is no runtime switch; swap bindings here only.
import * as Fs from "node:fs"
import * as Path from "node:path"

export type SqlValue = null | number | bigint | string | Uint8Array
export type SqlRow = Readonly<Record<string, SqlValue>>

export interface SqlStatement {
  readonly run: (...params: ReadonlyArray<SqlValue>) => void
  readonly get: (...params: ReadonlyArray<SqlValue>) => SqlRow | undefined
  readonly all: (...params: ReadonlyArray<SqlValue>) => ReadonlyArray<SqlRow>
}

export interface SqlConnection {
  readonly exec: (sql: string) => void
  readonly prepare: (sql: string) => SqlStatement
  /** Runs `body` inside `BEGIN IMMEDIATE … COMMIT`, rolling back if it throws. */
  readonly immediate: <A>(body: () => A) => A
  readonly close: () => void
}

export interface OpenOptions {
  readonly busyTimeoutMillis: number
}

export type SqlErrorKind = "Busy" | "Corrupt" | "Io" | "Conflict" | "Unknown"

interface NativeStatement {
  run(...params: Array<SqlValue>): unknown
  get(...params: Array<SqlValue>): unknown
  all(...params: Array<SqlValue>): Array<unknown>
}

interface NativeDatabase {
  exec(sql: string): void
  prepare(sql: string): NativeStatement
  close(): void
}

// Imported lazily so that merely loading the engine neither fails on a runtime without the module nor prints
// Node 22's ExperimentalWarning for commands that never touch the database.
const loadDriver = async (): Promise<new (file: string) => NativeDatabase> => {
  const module = await import("node:sqlite")
  return module.DatabaseSync
}

const wrapStatement = (native: NativeStatement): SqlStatement => ({
  run: (...params) => {
    native.run(...params)
  },
  get: (...params) => native.get(...params) as SqlRow | undefined,
  all: (...params) => native.all(...params) as ReadonlyArray<SqlRow>
})

const wrapDatabase = (native: NativeDatabase): SqlConnection => {
  let closed = false
  return {
    exec: (sql) => native.exec(sql),
    prepare: (sql) => wrapStatement(native.prepare(sql)),
    immediate: (body) => {
      native.exec("BEGIN IMMEDIATE")
      let result
      try {
        result = body()
      } catch (error) {
        try {
          native.exec("ROLLBACK")
        } catch {
          // SQLite may already have rolled back (e.g. after SQLITE_FULL); the original error is what matters.
        }
        throw error
      }
      native.exec("COMMIT")
      return result
    },
    close: () => {
      if (closed) return
      closed = true
      native.close()
    }
  }
}

/**
 * Opens (creating if needed) a database file shared with other processes: busy timeout first so that every later
 * statement, including the WAL switch, waits for competing writers instead of failing with SQLITE_BUSY.
 */
export const open = async (file: string, options: OpenOptions): Promise<SqlConnection> => {
  Fs.mkdirSync(Path.dirname(file), { recursive: true, mode: 0o700 })
  // SQLite creates the database with 0644 (less the umask) and its -wal and -shm files like the database: created
  // here first with 0600, they stay private to this user whatever the directory's mode. Older files are made so too.
  Fs.closeSync(Fs.openSync(file, "a", 0o600))
  privateFiles(file)
  const DatabaseSync = await loadDriver()
  const native = new DatabaseSync(file)
  try {
    native.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMillis))}`)
    native.exec("PRAGMA foreign_keys = ON")
    native.exec("PRAGMA journal_mode = WAL")
    // NORMAL is durable against process crashes in WAL mode; only an OS crash can lose the last commits.
    native.exec("PRAGMA synchronous = NORMAL")
  } catch (error) {
    native.close()
    throw error
  }
  privateFiles(file)
  return wrapDatabase(native)
}

/** The database and its WAL files readable by their owner only (a chmod of a file another user owns fails: left). */
const privateFiles = (file: string): void => {
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((Fs.statSync(path).mode & 0o077) !== 0) Fs.chmodSync(path, 0o600)
    } catch {
      // Absent (no WAL yet) or not ours.
    }
  }
}

const primaryCode = (cause: unknown): number | undefined => {
  if (typeof cause !== "object" || cause === null || !("errcode" in cause)) return undefined
  const code = cause.errcode
  return typeof code === "number" ? code & 0xff : undefined
}

// Deno's node:sqlite reports no `errcode`, only SQLite's message text, so the messages are matched as a fallback.
const messagePatterns: ReadonlyArray<readonly [RegExp, SqlErrorKind]> = [
  [/database is locked|database table is locked/i, "Busy"],
  [/malformed|not a database|corrupt/i, "Corrupt"],
  [/constraint failed/i, "Conflict"],
  [/disk i\/o error|unable to open|disk is full|readonly database|access permission denied/i, "Io"]
]

const codeKinds: ReadonlyMap<number, SqlErrorKind> = new Map<number, SqlErrorKind>([
  [5, "Busy"], // SQLITE_BUSY
  [6, "Busy"], // SQLITE_LOCKED
  [11, "Corrupt"], // SQLITE_CORRUPT
  [26, "Corrupt"], // SQLITE_NOTADB
  [19, "Conflict"], // SQLITE_CONSTRAINT
  [3, "Io"], // SQLITE_PERM
  [8, "Io"], // SQLITE_READONLY
  [10, "Io"], // SQLITE_IOERR
  [13, "Io"], // SQLITE_FULL
  [14, "Io"], // SQLITE_CANTOPEN
  [15, "Io"] // SQLITE_PROTOCOL
])

const nodeErrnoCodes: ReadonlySet<string> = new Set([
  "EACCES",
  "EPERM",
  "ENOENT",
  "ENOTDIR",
  "EROFS",
  "ENOSPC",
  "EEXIST"
])

export const classifyError = (cause: unknown): SqlErrorKind => {
  const code = primaryCode(cause)
  const byCode = code === undefined ? undefined : codeKinds.get(code)
  if (byCode !== undefined) return byCode
  if (typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string") {
    if (nodeErrnoCodes.has(cause.code)) return "Io"
  }
  const message = errorMessage(cause)
  for (const [pattern, kind] of messagePatterns) {
    if (pattern.test(message)) return kind
  }
  return "Unknown"
}

export const errorMessage = (cause: unknown): string =>
  typeof cause === "object" && cause !== null && "message" in cause && typeof cause.message === "string"
    ? cause.message
    : String(cause)
