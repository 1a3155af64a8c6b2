/**
 * Buffer data plane throughput on the local backend, against `cat` measured in the same run:
 *   cat:   head -c N /dev/zero | cat > /dev/null         (the brief's baseline)
 *   cat to a file: head -c N /dev/zero | cat > FILE  (stores the bytes on the data disk, as a write must)
 *   write: head -c N /dev/zero > FIFO, the FIFO read by BufferWriter (defaults: 4 MiB blocks, dop 16)
 *   read:  BufferReader (dop 32) to /dev/null
 * plus `head -c N /dev/zero | md5sum` and MD5 of 4 MiB blocks on one core: every byte written or read is hashed
 * (Tyger's Content-MD5), so a single-core MD5 pass bounds both directions from above.
 * Usage: node bench/buffers.ts [bytes=2GiB, e.g. 2G or 512MB] [repeats=1]   (also under bun / deno run -A)
 */
import { execFileSync, spawn } from "node:child_process"
import { createHash } from "node:crypto"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import process from "node:process"
import { Effect, Result } from "effect"
import { BlobStore } from "../engine/buffers/BlobStore.ts"
import * as BufferGen from "../engine/buffers/BufferGen.ts"
import * as BufferReader from "../engine/buffers/BufferReader.ts"
import * as BufferWriter from "../engine/buffers/BufferWriter.ts"
import * as LocalBlobStore from "../engine/buffers/LocalBlobStore.ts"

const [sizeArg = "2G", repeatsArg = "1"] = process.argv.slice(2)
const parsed = BufferGen.parseSize(sizeArg)
if (Result.isFailure(parsed)) throw new Error(parsed.failure)
const size = parsed.success
const repeats = Number(repeatsArg)
const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : `node ${process.version}`

const mib = (bytes: number, millis: number) => bytes / (1024 * 1024) / (millis / 1000)

const timeShell = (script: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const child = spawn("sh", ["-c", script], { stdio: ["ignore", "ignore", "inherit"] })
    child.on("error", reject)
    child.on("close", (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${script}: ${code}`))))
  })

const md5Rate = (): number => {
  const block = new Uint8Array(4 * 1024 * 1024).fill(7)
  const start = performance.now()
  for (let i = 0; i < 64; i++) createHash("md5").update(block).digest()
  return mib(64 * block.length, performance.now() - start)
}

const work = Fs.mkdtempSync(Path.join(Os.tmpdir(), "tyger-bench-buffers-"))
const fifo = Path.join(work, "input.fifo")
execFileSync("mkfifo", [fifo])
const layer = LocalBlobStore.layer({ dataDir: Path.join(work, "data") })

const writeOnce = (id: string) =>
  Effect.gen(function*() {
    const store = yield* BlobStore
    yield* store.createContainer(id)
    const container = yield* store.container(id, "write")
    const producer = timeShell(`head -c ${size} /dev/zero > "${fifo}"`)
    const start = performance.now()
    yield* BufferWriter.write(container, BufferWriter.fromFile(fifo))
    const millis = performance.now() - start
    yield* Effect.promise(() => producer)
    return millis
  })

const readOnce = (id: string) =>
  Effect.gen(function*() {
    const container = yield* Effect.flatMap(BlobStore, (store) => store.container(id, "read"))
    const start = performance.now()
    let bytes = 0
    yield* BufferReader.read(container, BufferReader.toFile("/dev/null"), { onProgress: (n) => (bytes = n) })
    if (bytes !== size) throw new Error(`read ${bytes} bytes, expected ${size}`)
    return performance.now() - start
  })

const rows: Array<{ cat: number; catFile: number; md5sum: number; write: number; read: number }> = []
try {
  for (let round = 0; round < repeats; round++) {
    const cat = await timeShell(`head -c ${size} /dev/zero | cat > /dev/null`)
    const md5sum = await timeShell(`head -c ${size} /dev/zero | md5sum > /dev/null`)
    const catFile = await timeShell(`head -c ${size} /dev/zero | cat > "${work}/cat.out"; rm "${work}/cat.out"`)
    const id = `bench${round}${Date.now().toString(36)}`
    const [write, read] = await Effect.runPromise(
      Effect.all([writeOnce(id), readOnce(id)]).pipe(Effect.provide(layer))
    )
    rows.push({
      cat: mib(size, cat),
      catFile: mib(size, catFile),
      md5sum: mib(size, md5sum),
      write: mib(size, write),
      read: mib(size, read)
    })
    await Effect.runPromise(Effect.flatMap(BlobStore, (store) => store.deleteContainer(id)).pipe(Effect.provide(layer)))
  }
} finally {
  Fs.rmSync(work, { recursive: true, force: true })
}

const median = (values: Array<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const cat = median(rows.map((row) => row.cat))
const md5sum = median(rows.map((row) => row.md5sum))
const catFile = median(rows.map((row) => row.catFile))
const write = median(rows.map((row) => row.write))
const read = median(rows.map((row) => row.read))
const fixed = (value: number) => value.toFixed(0).padStart(6)
const load = Os.loadavg()[0]!.toFixed(1)
console.log(`buffers on ${runtime}, ${size} bytes, ${repeats} round(s), ${Os.cpus().length} CPUs, load ${load}`)
const ratios = (value: number) =>
  [cat, catFile, md5sum].map((base) => (value / base).toFixed(2).padStart(7)).join(" ")
console.log(`             MiB/s   / cat / file / md5sum`)
console.log(`cat         ${fixed(cat)} ${ratios(cat)}`)
console.log(`cat to file ${fixed(catFile)} ${ratios(catFile)}`)
console.log(`md5sum      ${fixed(md5sum)} ${ratios(md5sum)}`)
console.log(`write       ${fixed(write)} ${ratios(write)}   (target >= 0.5 of cat)`)
console.log(`read        ${fixed(read)} ${ratios(read)}   (target >= 0.5 of cat)`)
console.log(`md5 (JS)    ${fixed(md5Rate())} MiB/s on one core, 4 MiB blocks`)
