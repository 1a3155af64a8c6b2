// One module for both places, as the issue asks: the gadgetron-shaped noise → SNR chain and a DAPHNE-shaped
// distributed run (fixtures/imaging.ts) render as Kubernetes objects with `tyger plan --provider kubernetes` and run
// on the real Docker engine with `tyger apply`, through the in-process CLI.
import assert from "node:assert/strict"
import { fileURLToPath } from "node:url"
import { after, describe, test } from "node:test"
import { workerHost } from "../../../providers/docker/internal/Naming.ts"
import { dataDirLabel, dockerOrSkip, removeLabelled } from "../../support/Docker.ts"
import { tempDir } from "../../support/Run.ts"
import { tyger } from "../Harness.ts"

const skip = await dockerOrSkip()
const module = fileURLToPath(new URL("./fixtures/imaging.ts", (import.meta as { readonly url: string }).url))
const dataDir = tempDir("tyger-apply-imaging-")
const options = { dataDir }

after(async () => {
  if (skip === false) await removeLabelled(dataDirLabel(dataDir))
})

interface Applied {
  readonly runs: { readonly [name: string]: { readonly id: number; readonly status: string; readonly buffers: { readonly [p: string]: string } } }
}

describe("the gadgetron- and DAPHNE-shaped workflow, one module", () => {
  test("tyger plan --provider kubernetes renders every run for the cluster", async () => {
    const result = await tyger(options, "plan", module, "--provider", "kubernetes", "--format", "yaml")
    assert.equal(result.code, 0, result.stderr)
    for (const run of ["scan", "gadgetron-noise", "gadgetron-snr", "daphne"]) {
      assert.match(result.stdout, new RegExp(`kind: Job\\nmetadata:\\n  labels:\\n    tyger-job: ${run}\\n`), run)
    }
    assert.match(result.stdout, /kind: StatefulSet/)
  })

  test("tyger apply runs it on Docker: SNR reads the noise run's covariance and the scan, DAPHNE reaches its 3 workers", { skip }, async () => {
    const result = await tyger(options, "apply", module, "--output", "json")
    assert.equal(result.code, 0, result.stderr)
    const applied = JSON.parse(result.stdout) as Applied
    assert.deepEqual(Object.keys(applied.runs).sort(), ["daphne", "gadgetron-noise", "gadgetron-snr", "scan"])
    for (const [name, run] of Object.entries(applied.runs)) assert.equal(run.status, "Succeeded", name)
    const { scan, "gadgetron-noise": noise, "gadgetron-snr": snr, daphne } = applied.runs
    // Each consumer is bound to its producer's output buffer.
    assert.equal(noise!.buffers["input"], scan!.buffers["noise"])
    assert.equal(snr!.buffers["input"], scan!.buffers["data"])
    assert.equal(snr!.buffers["noisecovariance"], noise!.buffers["noisecovariance"])
    const read = async (id: string) => {
      const out = await tyger(options, "buffer", "read", id)
      assert.equal(out.code, 0, out.stderr)
      return out.stdout
    }
    assert.equal(await read(snr!.buffers["output"]!), "NOISE-SCAN\ndata-scan\n")
    assert.equal(await read(daphne!.buffers["result"]!), [0, 1, 2].map((i) => `${workerHost(daphne!.id, i)}\n`).join(""))
  })
})
