// Log prefixes as Tyger's Docker mode makes them (pure: no engine needed): a container's lines carry its
// `tyger-run-container-name` label, which a lone main container has only when its run has buffers. The lines of real
// runs, live and archived, are checked in DockerProvider.test.ts and test/cli/run/cloud-run-file.test.ts.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Effect } from "effect"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Run from "../../../dsl/Run.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import * as Compile from "../../../engine/plan/Compile.ts"
import type { RunRequest } from "../../../engine/runs/Provider.ts"
import { prefixOf } from "../../../providers/docker/DockerLogSource.ts"
import { containerSpec } from "../../../providers/docker/DockerRunCreator.ts"

const options = { dataDir: "/data", instance: "abc123", labels: {} }

const mainOf = (codespec: Codespec.Any): { readonly Id: string; readonly Labels?: { readonly [key: string]: string } } => {
  const plan = Effect.runSync(Compile.compile(Workflow.make({ runs: { r: Run.untyped(codespec, {}) } })))
  const request: RunRequest = { runId: 7, plan, run: plan.runs[0]!, buffers: {}, pull: false }
  const spec = containerSpec(request, options)
  return { Id: "c", ...(spec.Labels === undefined ? {} : { Labels: spec.Labels }) }
}

describe("DockerLogSource prefixes", () => {
  test("a run with buffers: its main container logs `[main]`, as Tyger's", () => {
    for (const buffers of [{ inputs: ["input"] }, { outputs: ["output"] }, { inputs: ["a"], outputs: ["b"] }]) {
      const main = mainOf(Codespec.job({ image: "busybox", buffers }))
      assert.equal(main.Labels?.["tyger-run-container-name"], "main")
      assert.equal(prefixOf(main), "[main]")
    }
  })

  test("a run without buffers: no label, so bare lines", () => {
    const main = mainOf(Codespec.job({ image: "busybox" }))
    assert.equal(main.Labels?.["tyger-run-container-name"], undefined)
    assert.equal(main.Labels?.["tyger-run"], "7")
    assert.equal(prefixOf(main), "")
  })

  test("any labelled container (replicas, workers) logs its name", () => {
    assert.equal(prefixOf({ Id: "c", Labels: { "tyger-run-container-name": "worker-1" } }), "[worker-1]")
    assert.equal(prefixOf({ Id: "c", Labels: { "tyger-run-container-name": "" } }), "")
    assert.equal(prefixOf({ Id: "c" }), "")
  })
})
