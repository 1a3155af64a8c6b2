// @ts-check
// The writing thread of FdSink.ts: writes each chunk with blocking writes and answers it, or the first failure for
// it and every later one. JavaScript for the reason FdBlocksThread.mjs gives.
/** @import { SinkReply, SinkRequest, SinkThreadData } from "./FdSink.ts" */
import * as fs from "node:fs"
import { parentPort, workerData } from "node:worker_threads"

const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort)
/** @param {SinkReply} reply */
const post = (reply) => port.postMessage(reply)

const { fd, path } = /** @type {SinkThreadData} */ (workerData)
const sleep = new Int32Array(new SharedArrayBuffer(4))
let descriptor = fd
/** @type {{ error: string, code?: string } | undefined} */
let failed

port.on("message", (/** @type {SinkRequest} */ request) => {
  const { id } = request
  if (failed !== undefined) {
    post({ id, ...failed })
    return
  }
  try {
    if (descriptor === undefined) descriptor = fs.openSync(/** @type {string} */ (path), "w", 0o644)
    if ("close" in request) {
      if (fd === undefined) fs.closeSync(descriptor)
      post({ id })
      return
    }
    const { buffer, offset, length } = request
    const view = new Uint8Array(buffer, offset, length)
    let done = 0
    let wait = 1
    while (done < length) {
      try {
        done += fs.writeSync(descriptor, view, done, length - done)
        wait = 1
      } catch (error) {
        // A descriptor in non-blocking mode (shared with a parent that set it) reports a full pipe as EAGAIN.
        if (/** @type {{ code?: unknown } | undefined} */ (error)?.code !== "EAGAIN") throw error
        Atomics.wait(sleep, 0, 0, wait)
        wait = Math.min(wait * 2, 50)
      }
    }
    post({ id })
  } catch (error) {
    const { message, code } = /** @type {{ message?: unknown, code?: unknown } | undefined} */ (error) ?? {}
    failed = { error: String(message), ...(typeof code === "string" ? { code } : {}) }
    post({ id, ...failed })
  }
})
