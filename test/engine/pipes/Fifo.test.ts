// The FIFO primitives the Docker pumps and the Kubernetes buffer sidecar share.
import assert from "node:assert/strict"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { describe, test } from "node:test"
import * as Fifo from "../../../engine/pipes/Fifo.ts"
import { tempDir } from "../../support/Run.ts"

const fifo = async (name = "p.pipe") => {
  const path = Path.join(tempDir("tyger-fifo-"), name)
  await Fifo.make([path])
  return path
}

describe("FIFOs", () => {
  test("mkfifo makes FIFOs any user can open", async () => {
    const path = await fifo()
    const stats = Fs.statSync(path)
    assert.ok(stats.isFIFO())
    assert.equal(stats.mode & 0o777, 0o666)
  })
})
