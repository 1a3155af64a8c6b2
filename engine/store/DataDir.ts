import * as Fs from "node:fs"
import * as Path from "node:path"

export type Env = Readonly<Record<string, string | undefined>>

export const databaseFileName = "tyger.db"

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === "" ? undefined : value

/**
 * `$TYGER_TS_DATA_DIR`, else `$XDG_DATA_HOME/tyger-ts`, else `$HOME/.local/share/tyger-ts`;
 * `undefined` when none of them is usable.
 */
export const resolveDataDir = (env: Env): string | undefined => {
  const explicit = nonEmpty(env["TYGER_TS_DATA_DIR"])
  if (explicit !== undefined) return explicit
  const xdg = nonEmpty(env["XDG_DATA_HOME"])
  // The XDG spec says relative values are invalid and must be ignored.
  if (xdg !== undefined && Path.isAbsolute(xdg)) return Path.join(xdg, "tyger-ts")
  const home = nonEmpty(env["HOME"])
  if (home !== undefined) return Path.join(home, ".local", "share", "tyger-ts")
  return undefined
}

export const databasePath = (dataDir: string): string => Path.join(dataDir, databaseFileName)

/**
 * Everything tyger-ts creates under the data directory is private to its user; the directory itself may be the user's
 * choice (an existing 0755 one), so one others can list is only warned about: the warning, or undefined.
 */
export const sharedWarning = (dataDir: string): string | undefined => {
  let mode: number
  try {
    mode = Fs.statSync(dataDir).mode
  } catch {
    return undefined
  }
  if ((mode & 0o077) === 0) return undefined
  return `the data directory ${dataDir} can be read by other users (mode ${(mode & 0o777).toString(8).padStart(4, "0")}); ` +
    `tyger-ts keeps its own files in it private, but consider: chmod 700 ${dataDir}`
}

/** Kernel file systems: a database there fails in odd ways (a read of /proc/x can spin forever), so none is used. */
const KERNEL_FILE_SYSTEMS = ["/proc", "/sys", "/dev"]

/**
 * Why `dataDir` cannot hold tyger-ts' data, or undefined. The nearest existing ancestor is resolved first, so that
 * a symbolic link into /proc (`/proc/self/…` from elsewhere) is caught too.
 */
export const unusable = (dataDir: string): string | undefined => {
  let existing = dataDir
  while (!Fs.existsSync(existing) && Path.dirname(existing) !== existing) existing = Path.dirname(existing)
  let real = existing
  try {
    real = Fs.realpathSync(existing)
  } catch {
    // Unreadable: the store will say so when it opens.
  }
  const resolved = Path.join(real, Path.relative(existing, dataDir))
  const kernel = KERNEL_FILE_SYSTEMS.find((root) => resolved === root || resolved.startsWith(`${root}/`))
  return kernel === undefined
    ? undefined
    : `the data directory ${dataDir} is under ${kernel}, a kernel file system: use a directory on a regular file system`
}
