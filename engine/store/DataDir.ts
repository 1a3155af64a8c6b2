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
