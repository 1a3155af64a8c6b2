import { Buffer } from "node:buffer"
import type { ByteSource } from "./ByteStream.ts"

/**
 * Every byte of `source`, in order, handed to `each` chunk by chunk, for transfers that neither hash nor store (an
 * ephemeral buffer's direct feed, its relay): through the source's own reading thread when it has one (on Deno,
 * stdin's plain `read` is not the blocking read the thread does), each block released once `each` is done with it;
 * else by `read` into one buffer reused for every chunk, so `each` must be done with a chunk when it resolves.
 */
export const forEachChunk = async (
  source: ByteSource,
  options: { readonly blockSize: number; readonly flushMillis: number },
  each: (chunk: Uint8Array) => Promise<void>
): Promise<void> => {
  const blocks = source.blocks?.({ ...options, arenas: 4 })
  if (blocks !== undefined) {
    try {
      for (let block = await blocks.next(); block !== undefined; block = await blocks.next()) {
        await each(block.bytes)
        blocks.release?.(block.bytes)
      }
    } finally {
      blocks.close?.()
    }
    return
  }
  const buffer = Buffer.allocUnsafe(options.blockSize)
  for (let n = await source.read(buffer, 0, buffer.length); n > 0; n = await source.read(buffer, 0, buffer.length)) {
    await each(buffer.subarray(0, n))
  }
}
