// `tyger apply --no-wait` hands the runs to detached monitors and returns; a run dropped from the workflow is
// reported as removed and left alone, unless `--prune` cancels it. Real CLI processes on the real engine.
import assert from "node:assert/strict"
import { after, describe, test } from "node:test"
import { dataDirLabel, dockerOrSkip, labelled, removeLabelled } from "../../support/Docker.ts"
import { applyExpecting, dslModule, showRun, waitFor, workspace } from "./fixtures/Workspace.ts"

const skip = await dockerOrSkip()
const dataDirs: Array<string> = []

after(async () => {
  if (skip === false) for (const dataDir of dataDirs) await removeLabelled(dataDirLabel(dataDir))
})

// The plan lists runs by name: quick is created first.
const [QUICK, SLOW] = [1, 2]
const quick = `export const quick = Run.job(Codespec.job({ image, command: ["echo", "quick"] }), { name: "quick" })`
const slow = `export const slow = Run.job(Codespec.job({ image, command: ["sleep", "120"] }), { name: "slow" })`

describe("tyger apply --no-wait, removed runs and --prune", { skip }, () => {
  test("every named codespec published; a removed run is reported and left running; --prune cancels it and drops it", async () => {
    const ws = workspace(dataDirs)
    // `spare` is a named codespec no run uses: applying publishes it all the same.
    ws.write("both.ts", dslModule([slow, quick, `export const spare = Codespec.job({ name: "spare", image, command: ["true"] })`]))
    ws.write("quick.ts", dslModule([quick]))

    const started = await applyExpecting(ws, ["both.ts", "--name", "wf", "--no-wait"], 0, [
      "+  quick  create: new",
      "+  slow   create: new",
      "workflow wf: 2 to create"
    ])
    // Returned at once: nothing of the runs' progress was waited for, and the runs go on without this process.
    assert.deepEqual(started.progress.byRun, {})
    const spare = await ws.tyger("codespec", "show", "spare")
    assert.equal(spare.code, 0, spare.stderr)
    assert.equal((JSON.parse(spare.stdout) as { version: number }).version, 1)
    await waitFor(async () => (await showRun(ws, SLOW)).status === "Running", "slow to be running")
    await waitFor(async () => (await showRun(ws, QUICK)).status === "Succeeded", "quick to succeed")

    const kept = await applyExpecting(ws, ["quick.ts", "--name", "wf"], 0, [
      "=  quick  keep: run 1 Succeeded",
      "-  slow   removed: run 2 Running",
      "workflow wf: 1 unchanged, 1 removed"
    ])
    assert.equal(kept.stdout, "RUN    ID  STATUS\nquick  1   Succeeded\n")
    assert.equal((await showRun(ws, SLOW)).status, "Running")

    // Still going, it stays with the workflow as removed, so that a later apply can prune it.
    const pruned = await applyExpecting(ws, ["quick.ts", "--name", "wf", "--prune"], 0, [
      "=  quick  keep: run 1 Succeeded",
      "-  slow   removed: run 2 Running",
      "workflow wf: 1 unchanged, 1 removed"
    ])
    assert.equal(pruned.stdout, "RUN    ID  STATUS\nquick  1   Succeeded\n")
    const canceled = await showRun(ws, SLOW)
    assert.deepEqual([canceled.status, canceled.statusReason], ["Canceled", "Canceled by user"])
    await waitFor(async () => (await labelled(dataDirLabel(ws.dataDir))).containers.length === 0, "slow's container to be removed")

    await applyExpecting(ws, ["quick.ts", "--name", "wf"], 0, ["=  quick  keep: run 1 Succeeded", "workflow wf: 1 unchanged"])
    const shown = await ws.tyger("workflow", "show", "wf")
    assert.deepEqual(shown, { code: 0, stdout: "RUN    ID  STATUS\nquick  1   Succeeded\n", stderr: "" })
  })
  test("a missing image fails the apply before any run is created", async () => {
    const ws = workspace(dataDirs)
    ws.write("wf.ts", dslModule([quick, `export const absent = Run.job(Codespec.job({ image: "tyger-test/absent:none", command: ["true"] }), { name: "absent" })`]))
    assert.deepEqual(await ws.tyger("apply", "wf.ts"), {
      code: 1,
      stdout: "",
      stderr: "Error: The image 'tyger-test/absent:none' was not found on the system. Run `docker pull tyger-test/absent:none` and try again.\n"
    })
    assert.deepEqual(await ws.tyger("run", "list"), { code: 0, stdout: "[]\n", stderr: "" })
    assert.deepEqual(await ws.tyger("workflow", "list"), { code: 0, stdout: "no workflow has been applied\n", stderr: "" })
  })
})
