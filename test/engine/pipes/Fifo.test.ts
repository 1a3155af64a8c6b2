// The FIFO primitives the Docker pumps and the Kubernetes buffer sidecar share, against programs played by host shells.
import assert from "node:assert/strict"
import * as Fs from "node:fs"
import { describe, test } from "node:test"
import * as Fifo from "../../../engine/pipes/Fifo.ts"
import { Latch } from "../../../engine/pipes/Latch.ts"
import { fifo, sh } from "../../support/Pipes.ts"

describe("FIFOs", () => {
  test("mkfifo makes FIFOs any user can open", async () => {
    const path = await fifo()
    const stats = Fs.statSync(path)
    assert.ok(stats.isFIFO())
    assert.equal(stats.mode & 0o777, 0o666)
  })

  test("openWhenRead: a descriptor once the program reads, nothing once it is gone", async () => {
    const path = await fifo()
    const program = sh(`sleep 0.1; cat ${path}`)
    const fd = await Fifo.openWhenRead(path, new Latch())
    assert.ok(fd !== undefined)
    Fs.writeSync(fd, "hello")
    Fs.closeSync(fd)
    assert.deepEqual(await program, { code: 0, stdout: "hello" })

    const gone = new Latch()
    setTimeout(() => gone.open(), 100)
    assert.equal(await Fifo.openWhenRead(await fifo(), gone), undefined)
  })

  test("unblockable: a blocking open whose other end never comes returns once a trigger opens", async () => {
    const path = await fifo()
    const gone = new Latch()
    const opened = Fifo.unblockable(path, Fifo.O_WRONLY, [gone], Fifo.openAsync(path, Fifo.O_RDONLY))
    setTimeout(() => gone.open(), 100)
    const fd = await opened
    assert.equal(Fs.readSync(fd, new Uint8Array(1), 0, 1, null), 0)
    Fs.closeSync(fd)
  })
})
