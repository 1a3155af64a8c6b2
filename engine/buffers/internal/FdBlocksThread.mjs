// @ts-check
// The reading thread of FdBlocks.ts (which explains the arenas and the claim word). JavaScript rather than TypeScript
// so the same file loads as a worker everywhere: Node strips no types under node_modules, and a published build keeps
// this file as it is (tsc copies .mjs), where a `new URL("./….ts")` would name a file that is no longer there.
/** @import { ThreadData, ThreadMessage } from "./FdBlocks.ts" */
import * as fs from "node:fs"
import { parentPort, workerData } from "node:worker_threads"

const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort)
/** @param {ThreadMessage} message */
const post = (message) => port.postMessage(message)

const { fd, path, blockSize, arenas, control, words } = /** @type {ThreadData} */ (workerData)
const state = new BigInt64Array(control, 0, 1)
const ints = new Int32Array(control)
const descriptor = fd ?? fs.openSync(/** @type {string} */ (path), "r")
/** @type {Array<Uint8Array>} */
const views = []

/** Claims [taken, filled) of the arena of `generation` for the block the thread sends; returns `taken`. */
const claim = (/** @type {number} */ generation, /** @type {number} */ filled) => {
  for (;;) {
    const current = Atomics.load(state, 0)
    if (Atomics.compareExchange(state, 0, current, (BigInt(generation) << 32n) | BigInt(filled)) === current) {
      return Number(current & 0xffffffffn)
    }
  }
}

/** @param {unknown} error */
const codeOf = (error) => /** @type {{ code?: unknown } | undefined} */ (error)?.code

try {
  for (let generation = 1;; generation++) {
    const index = generation % arenas
    while (Atomics.compareExchange(ints, words.busy + index, 0, 1) !== 0) Atomics.wait(ints, words.busy + index, 1)
    let view = views[index]
    if (view === undefined) {
      view = views[index] = new Uint8Array(new SharedArrayBuffer(blockSize))
      post({ type: "arena", index, arena: /** @type {SharedArrayBuffer} */ (view.buffer) })
    }
    Atomics.store(ints, words.filled, 0)
    Atomics.store(state, 0, BigInt(generation) << 32n)
    post({ type: "start", generation, index })
    let filled = 0
    let ended = false
    let wait = 1
    while (filled < blockSize) {
      let n
      try {
        n = fs.readSync(descriptor, view, filled, blockSize - filled, null)
      } catch (error) {
        // A descriptor in non-blocking mode (shared with a parent that set it) has no data yet.
        if (codeOf(error) !== "EAGAIN") throw error
        Atomics.wait(ints, words.sleep, 0, wait)
        wait = Math.min(wait * 2, 50)
        continue
      }
      wait = 1
      if (n === 0) {
        ended = true
        break
      }
      filled += n
      Atomics.store(ints, words.filled, filled)
    }
    const taken = claim(generation, filled)
    post({ type: "block", generation, start: taken, end: filled })
    if (ended) break
  }
  post({ type: "end" })
} catch (error) {
  const code = codeOf(error)
  post({
    type: "error",
    message: String(/** @type {{ message?: unknown } | undefined} */ (error)?.message),
    ...(typeof code === "string" ? { code } : {})
  })
} finally {
  if (fd === undefined) fs.closeSync(descriptor)
}
