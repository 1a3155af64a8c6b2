// @ts-check
// A hashing thread of HashPool.ts: answers each block's MD5, handing a transferred buffer back. JavaScript for the
// reason FdBlocksThread.mjs gives.
/** @import { HashReply, HashRequest } from "./HashPool.ts" */
import { createHash } from "node:crypto"
import { parentPort } from "node:worker_threads"

const port = /** @type {import("node:worker_threads").MessagePort} */ (parentPort)
/** @param {HashReply} reply @param {Array<ArrayBuffer>} transfer */
const post = (reply, transfer) => port.postMessage(reply, transfer)

port.on("message", (/** @type {HashRequest} */ { id, buffer, offset, length }) => {
  const view = new Uint8Array(buffer, offset, length)
  const md5 = createHash("md5").update(view).digest("base64")
  if (buffer instanceof SharedArrayBuffer) post({ id, md5 }, [])
  else post({ id, md5, buffer }, [buffer])
})
