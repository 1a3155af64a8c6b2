/**
 * `tyger buffer write` and `tyger buffer read` as users run them (bin/tyger, a fresh process each, on the local
 * backend) against `md5sum` of the same stream, which bounds both: every byte written or read is MD5-hashed (Tyger's
 * format 0.3.0). Issue 17's figures:
 *   md5sum: head -c N /dev/zero | md5sum
 *   write:  head -c N /dev/zero | tyger buffer write ID        (a new buffer each time)
 *   read:   tyger buffer read ID > /dev/null                   (the buffer just written; hashes checked)
 * Interleaved, medians of `repeats`, with the CPU-seconds (user + sys) of each command's processes.
 *
 *   node_modules/.bin/node bench/buffers-cli.ts [bytes=2G] [repeats=3]
 */
import { execFileSync, spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

const [sizeArg = "2G", repeatsArg = "3"] = process.argv.slice(2)
const repeats = Number(repeatsArg)
const root = new URL("..", import.meta.url).pathname
const tyger = Path.join(root, "bin/tyger")
const work = Fs.mkdtempSync(Path.join(Os.tmpdir(), "tyger-bench-buffers-cli-"))
const env = { ...process.env, TYGER_TS_DATA_DIR: Path.join(work, "data") }

interface Timed {
  readonly ms: number
  readonly cpu: number
}

/** Wall time, and the CPU time of the script's processes (bash's `times`: its children, waited for). */
const timeShell = (script: string): Promise<Timed> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    let err = ""
    const child = spawn("bash", ["-c", `set -o pipefail; ${script}; times >&2`], { stdio: ["ignore", "ignore", "pipe"], env })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      const ms = performance.now() - start
      if (code !== 0) return reject(new Error(`${script}: exit ${code}\n${err}`))
      // `times`: the shell's user/sys, then its children's: "0m1.234s 0m0.567s".
      const children = err.trim().split("\n").at(-1)!.split(/\s+/).map((t) => {
        const m = /^(\d+)m([\d.]+)s$/.exec(t)
        return m === null ? 0 : Number(m[1]) * 60 + Number(m[2])
      })
      resolve({ ms, cpu: children[0]! + children[1]! })
    })
  })

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const samples = { md5sum: [] as Array<Timed>, write: [] as Array<Timed>, read: [] as Array<Timed> }
try {
  for (let i = 0; i < repeats; i++) {
    const id = execFileSync(tyger, ["buffer", "create"], { env, encoding: "utf8" }).trim()
    samples.md5sum.push(await timeShell(`head -c ${sizeArg} /dev/zero | md5sum`))
    samples.write.push(await timeShell(`head -c ${sizeArg} /dev/zero | '${tyger}' buffer write ${id}`))
    samples.read.push(await timeShell(`'${tyger}' buffer read ${id} > /dev/null`))
    Fs.rmSync(Path.join(work, "data"), { recursive: true, force: true })
  }
} finally {
  Fs.rmSync(work, { recursive: true, force: true })
}

const base = median(samples.md5sum.map((s) => s.ms))
console.log(`${sizeArg} per command, medians of ${repeats}, ${Os.availableParallelism()} CPUs, load ${Os.loadavg().map((l) => l.toFixed(2)).join(" ")}`)
console.log("| command | wall | CPU-s (user + sys) | speed / md5sum's |")
console.log("| --- | --- | --- | --- |")
for (const [name, xs] of Object.entries(samples)) {
  const ms = median(xs.map((s) => s.ms))
  console.log(`| ${name} | ${(ms / 1000).toFixed(2)} s | ${median(xs.map((s) => s.cpu)).toFixed(2)} | ${(base / ms).toFixed(2)}× |`)
}
