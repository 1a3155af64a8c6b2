// Issue 14, item 4: in an existing 0755 data directory, under umask 022, everything tyger-ts creates is private to the
// user (directories 0700, files 0600): the database and its WAL, the buffers and their blobs, the access key. The
// data directory itself is the user's: it is warned about, once, not changed.
import assert from "node:assert/strict"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import process from "node:process"
import { describe, test } from "node:test"
import { collect, quote, root, tygerArgv } from "../support/Cli.ts"
import { tempDir } from "../support/Run.ts"
import { tyger as tygerIn } from "./Harness.ts"

const walk = (dir: string): Array<string> =>
  Fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = Path.join(dir, entry.name)
    return entry.isDirectory() ? [path, ...walk(path)] : [path]
  })

describe("a pre-existing 0755 data directory", () => {
  test("what tyger-ts creates in it is 0700/0600 whatever the umask; the directory is warned about", async () => {
    const dataDir = Path.join(tempDir("tyger-private-"), "data")
    Fs.mkdirSync(dataDir, { mode: 0o755 })
    Fs.chmodSync(dataDir, 0o755)
    const tyger = tygerArgv("main.ts").map(quote).join(" ")
    const script = [
      "umask 022",
      `id=$(${tyger} buffer create)`,
      `echo hello | ${tyger} buffer write "$id"`,
      `${tyger} buffer access "$id" > /dev/null`,
      `${tyger} codespec create secret --image busybox --env TOKEN=s3cret > /dev/null`
    ].join(" && ")
    const result = await collect(spawn("bash", ["-c", script], {
      cwd: root,
      env: { ...process.env, TYGER_TS_DATA_DIR: dataDir, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"]
    }))
    assert.equal(result.code, 0, result.stderr)
    const open = walk(dataDir).filter((path) => (Fs.statSync(path).mode & 0o077) !== 0)
    assert.deepEqual(open, [])
    const names = walk(dataDir).map((path) => Path.relative(dataDir, path))
    for (const expected of ["tyger.db", "buffers", Path.join("buffers", ".access-key")]) assert.ok(names.includes(expected), expected)
    assert.equal(Fs.statSync(dataDir).mode & 0o777, 0o755)
    // One warning per command (each is its own process), naming the directory and the fix.
    const warnings = result.stderr.split("\n").filter((line) => line.includes("can be read by other users"))
    assert.equal(warnings.length, 4)
    assert.match(warnings[0]!, /WRN the data directory .* can be read by other users \(mode 0755\).*chmod 700/)
  })
})

describe("a data directory on a kernel file system", () => {
  test("/proc, /sys or /dev (also through a symbolic link) is refused at once, exit 1", async () => {
    const link = Path.join(tempDir("tyger-proc-link-"), "proc")
    Fs.symlinkSync("/proc", link)
    for (const [dataDir, kernel] of [["/proc/x", "/proc"], ["/sys/fs/x", "/sys"], [Path.join(link, "self", "x"), "/proc"]] as const) {
      const result = await tygerIn({ dataDir }, "buffer", "list")
      assert.deepEqual(result, {
        code: 1,
        stdout: "",
        stderr: `Error: the data directory ${dataDir} is under ${kernel}, a kernel file system: use a directory on a regular file system\n`
      })
    }
  })
})
