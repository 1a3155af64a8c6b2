// The plan document (engine/plan/Plan.ts): every golden plan decodes and encodes back to the same JSON; what is not a plan
// of this apiVersion is refused.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Effect, Schema } from "effect"
import * as Problem from "../../../model/Problem.ts"
import * as Plan from "../../../engine/plan/Plan.ts"
import { goldenNames, readGolden } from "./GoldenPlans.ts"

const goldenJson = (name: (typeof goldenNames)[number]): Record<string, unknown> => JSON.parse(readGolden(name))

/** The decoding problems of a document, as `path: message` pairs. */
const decodeProblems = async (document: unknown): Promise<ReadonlyArray<Problem.Problem>> => {
  const error = await Effect.runPromise(Effect.flip(Plan.decodeUnknown(document)))
  assert.ok(Schema.isSchemaError(error))
  return Problem.fromSchemaError("", error)
}

describe("golden plans round-trip", () => {
  for (const name of goldenNames) {
    test(`${name}: JSON → Plan → JSON`, async () => {
      const json = goldenJson(name)
      const plan = await Effect.runPromise(Plan.decodeUnknown(json))
      assert.deepEqual(Plan.encode(plan), json)
      assert.equal(Plan.toJsonString(plan), readGolden(name))
      assert.deepEqual(Plan.decodeUnknownSync(json), plan)
    })
  }

  test("quantities decode to values and encode canonically", () => {
    const plan = Plan.decodeUnknownSync(goldenJson("gadgetron"))
    const worker = plan.codespecs.find((c) => c.kind === "worker")
    assert.ok(worker !== undefined)
    assert.equal(worker.spec.resources?.requests?.cpu?.toMilli(), 3000n)
    assert.equal(worker.spec.resources?.requests?.memory?.toBytes(), 4_000_000_000n)
  })

  test("codespecById indexes the plan's codespecs", () => {
    const plan = Plan.decodeUnknownSync(goldenJson("daphne"))
    const byId = Plan.codespecById(plan)
    for (const run of plan.runs) {
      assert.equal(byId.get(run.job.codespec)?.kind, "job")
      if (run.worker !== undefined) assert.equal(byId.get(run.worker.codespec)?.kind, "worker")
    }
    assert.equal(byId.size, plan.codespecs.length)
  })
})

describe("what is not a plan", () => {
  test("another apiVersion", async () => {
    const json = { ...goldenJson("hello"), apiVersion: "tyger-ts.dev/plan/v2" }
    assert.deepEqual(await decodeProblems(json), [{ path: "apiVersion", message: `Expected "${Plan.API_VERSION}"` }])
    assert.throws(() => Plan.decodeUnknownSync(json))
  })

  test("a missing apiVersion", async () => {
    const { apiVersion: _, ...json } = goldenJson("hello")
    assert.deepEqual(await decodeProblems(json), [{ path: "apiVersion", message: "the field 'apiVersion' is required" }])
  })

  test("an unknown binding kind", async () => {
    const json = goldenJson("gadgetron") as { runs: Array<{ job: { buffers: Record<string, unknown> } }> }
    const snr = json.runs[3]
    assert.ok(snr !== undefined)
    snr.job.buffers["noisecovariance"] = { kind: "magic", run: "gadgetron-noise", parameter: "noisecovariance" }
    const problems = await decodeProblems(json)
    assert.equal(problems.length, 1)
    assert.equal(problems[0]?.path, "runs[3].job.buffers.noisecovariance")
    assert.throws(() => Plan.decodeUnknownSync(json))
  })

  test("a binding without its fields", async () => {
    const json = goldenJson("gadgetron") as { runs: Array<{ job: { buffers: Record<string, unknown> } }> }
    const snr = json.runs[3]
    assert.ok(snr !== undefined)
    snr.job.buffers["noisecovariance"] = { kind: "runOutput", run: "gadgetron-noise" }
    assert.deepEqual(await decodeProblems(json), [
      { path: "runs[3].job.buffers.noisecovariance.parameter", message: "the field 'parameter' is required" }
    ])
  })

  test("an unknown codespec kind", async () => {
    const json = goldenJson("daphne") as { codespecs: Array<{ kind: string }> }
    const codespec = json.codespecs[0]
    assert.ok(codespec !== undefined)
    codespec.kind = "service"
    assert.deepEqual((await decodeProblems(json)).map((p) => p.path), ["codespecs[0].kind"])
  })

  test("an unknown capability", async () => {
    const json = goldenJson("daphne") as { runs: Array<{ requires: Array<string> }> }
    const run = json.runs[0]
    assert.ok(run !== undefined)
    run.requires = ["Teleportation"]
    assert.deepEqual((await decodeProblems(json)).map((p) => p.path), ["runs[0].requires[0]"])
  })

  test("not an object", async () => {
    assert.deepEqual(await decodeProblems([]), [{ path: "", message: "Expected object" }])
  })
})
