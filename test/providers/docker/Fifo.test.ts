// The host ends of a run's pipes, against programs played by host shells (no engine needed): waiting without
// blocking, pipes never opened, programs closing early, end-of-file held back until the program succeeded.
import assert from "node:assert/strict"
import * as Fs from "node:fs"
import { describe, test } from "node:test"
import * as Fifo from "../../../providers/docker/internal/Fifo.ts"
import { fifo, sh } from "../../support/Pipes.ts"
import { tempDir } from "../../support/Run.ts"

const readAll = async (reader: Fifo.PipeReader): Promise<string> => {
  const buffer = new Uint8Array(1 << 16)
  let text = ""
  for (;;) {
    const n = await reader.read(buffer, 0, buffer.length)
    if (n === 0) return text
    text += new TextDecoder().decode(buffer.subarray(0, n))
  }
}

describe("FIFO ends", () => {
  test("input: the program reads everything, then end-of-file", async () => {
    const path = await fifo()
    const gone = new Fifo.Latch()
    const writer = Fifo.writer(path, gone)
    const program = sh(`sleep 0.2; cat ${path}`)
    await writer.write(new TextEncoder().encode("hello "))
    await writer.write(new TextEncoder().encode("world"))
    await writer.close()
    assert.deepEqual(await program, { code: 0, stdout: "hello world" })
    assert.equal(writer.ended(), undefined)
  })

  test("input: a program that never opens its pipe releases the writer once it is gone", async () => {
    const gone = new Fifo.Latch()
    const pending = Fifo.writer(await fifo(), gone)
    const write = pending.write(new Uint8Array(10))
    setTimeout(() => gone.open(), 100)
    await assert.rejects(write, (error: unknown) => error instanceof Fifo.PipeEnded && error.ended === "NeverOpened")
    assert.equal(pending.ended(), "NeverOpened")
  })

  test("input: a program that stops reading early makes the writer stop quietly (EPIPE)", async () => {
    const path = await fifo()
    const writer = Fifo.writer(path, new Fifo.Latch())
    const program = sh(`head -c 5 ${path}`)
    const chunk = new Uint8Array(1 << 16).fill(65)
    await assert.rejects(
      (async () => {
        for (let i = 0; i < 1000; i++) await writer.write(chunk)
      })(),
      (error: unknown) => error instanceof Fifo.PipeEnded && error.ended === "PeerClosed"
    )
    assert.deepEqual(await program, { code: 0, stdout: "AAAAA" })
  })

  test("output: data, then end-of-file once the program succeeded", async () => {
    const path = await fifo()
    const gone = new Fifo.Latch()
    const reader = Fifo.reader(path, gone, Promise.resolve(true))
    const program = sh(`printf 'a%.0s' $(seq 1 100000) > ${path}`)
    const text = await readAll(reader)
    await reader.close()
    assert.equal(text.length, 100000)
    assert.equal((await program).code, 0)
  })

  test("output: a program that never opens its pipe gives an empty output once gone", async () => {
    const gone = new Fifo.Latch()
    const reader = Fifo.reader(await fifo(), gone, Promise.resolve(true))
    setTimeout(() => gone.open(), 100)
    assert.equal(await readAll(reader), "")
  })

  test("output: end-of-file of a program that failed is an error, never a clean end", async () => {
    const path = await fifo()
    const gone = new Fifo.Latch()
    const reader = Fifo.reader(path, gone, Promise.resolve(false))
    const program = sh(`echo partial > ${path}; exit 3`)
    await assert.rejects(readAll(reader), Fifo.ProgramFailed)
    assert.equal((await program).code, 3)
  })

  test("waiting ends hold no threadpool thread: eight idle pipes leave file I/O working", async () => {
    const gone = new Fifo.Latch()
    const paths = Array.from({ length: 8 }, (_, i) => `${tempDir("tyger-fifo-")}/idle-${i}.pipe`)
    await Fifo.make(paths)
    const pending = paths.map((path, i) =>
      i % 2 === 0
        ? Fifo.writer(path, gone).write(new Uint8Array(1)).catch(() => undefined)
        : Fifo.reader(path, gone, Promise.resolve(true)).read(new Uint8Array(1), 0, 1)
    )
    const started = Date.now()
    await Fs.promises.writeFile(`${paths[0]}.txt`, "x")
    assert.equal(await Fs.promises.readFile(`${paths[0]}.txt`, "utf8"), "x")
    assert.ok(Date.now() - started < 1000, "file I/O waited for the idle pipes")
    gone.open()
    await Promise.all(pending)
  })
})
