// `tyger apply FILE` end to end: a TypeScript workflow module (generated per test, see fixtures/Workspace.ts) applied
// on the real Docker engine by separate CLI processes, then changed and applied again; `tyger workflow list/show` read
// what was applied. Failures, refusals and Ctrl-C are in apply-failures.test.ts.
import assert from "node:assert/strict"
import { after, describe, test } from "node:test"
import { dataDirLabel, dockerOrSkip, labelled, removeLabelled } from "../../support/Docker.ts"
import {
  applyExpecting,
  type AppliedJson,
  lines,
  progressOf,
  readBuffer,
  runCount,
  showRun,
  waitFor,
  workspace
} from "./fixtures/Workspace.ts"

const skip = await dockerOrSkip()
const dataDirs: Array<string> = []
after(async () => {
  if (skip !== false) return
  // Finalised runs remove their containers and networks; whatever a failed test left behind goes here.
  for (const dataDir of dataDirs) await removeLabelled(dataDirLabel(dataDir))
})

/** What the producer writes (`line 1\n` … `line 4\n`), or the consumer (`hello line 1\n` …). */
const numbered = (prefix: string) => [1, 2, 3, 4].map((i) => `${prefix} ${i}\n`).join("")
const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/

describe("tyger apply (end to end)", { skip }, () => {
  // One workflow, applied again and again: each test starts from what the previous one left.
  const ws = workspace(dataDirs)
  let first: AppliedJson["runs"]

  test("first apply: every run created and Succeeded; the consumer streams from the producer's buffer", async () => {
    ws.workflow()
    const applied = await applyExpecting(ws, ["wf.ts", "--output", "json"], 0, [
      "+  producer  create: new",
      "+  consumer  create: new",
      "+  side      create: new",
      "workflow wf: 3 to create"
    ])
    const progress = progressOf(applied.stderr, 4)
    assert.deepEqual(progress.errors, [])
    assert.deepEqual(progress.last, { producer: "1 Succeeded", consumer: "2 Succeeded", side: "3 Succeeded" })
    for (const [name, said] of Object.entries(progress.byRun)) {
      for (const line of said) assert.match(line, /^\d (Pending|Running|Succeeded)$/, name)
    }

    const json = JSON.parse(applied.stdout) as AppliedJson
    assert.deepEqual(Object.keys(json), ["name", "runs"])
    assert.equal(json.name, "wf")
    assert.deepEqual(Object.keys(json.runs), ["producer", "consumer", "side"])
    first = json.runs
    const { producer, consumer, side } = first
    assert.deepEqual(Object.keys(producer!), ["id", "status", "buffers"])
    assert.deepEqual([producer!.id, producer!.status, Object.keys(producer!.buffers)], [1, "Succeeded", ["output"]])
    assert.deepEqual([consumer!.id, consumer!.status, Object.keys(consumer!.buffers)], [2, "Succeeded", ["input", "output"]])
    assert.deepEqual(side, { id: 3, status: "Succeeded", buffers: {} })
    assert.match(producer!.buffers["output"]!, /^[a-z0-9]{26}$/)
    assert.equal(consumer!.buffers["input"], producer!.buffers["output"])
    assert.notEqual(consumer!.buffers["output"], producer!.buffers["output"])

    assert.equal(await readBuffer(ws, producer!.buffers["output"]!), numbered("line"))
    assert.equal(await readBuffer(ws, consumer!.buffers["output"]!), numbered("hello line"))
    const producerRun = await showRun(ws, 1)
    const consumerRun = await showRun(ws, 2)
    assert.deepEqual((consumerRun["job"] as Record<string, unknown>)["buffers"], consumer!.buffers)
    // Both ran at once: the consumer started while the producer (four seconds of output) was still writing.
    const started = Date.parse(String(consumerRun["startedAt"]))
    const finished = Date.parse(String(producerRun["finishedAt"]))
    assert.ok(started < finished, `consumer started ${consumerRun["startedAt"]}, producer finished ${producerRun["finishedAt"]}`)
    assert.equal(await runCount(ws), 3)
  })

  test("applying again creates nothing: every run kept, same ids", async () => {
    const applied = await ws.tyger("apply", "wf.ts")
    assert.deepEqual(applied, {
      code: 0,
      stdout: "RUN       ID  STATUS\nproducer  1   Succeeded\nconsumer  2   Succeeded\nside      3   Succeeded\n",
      stderr: "=  producer  keep: run 1 Succeeded\n=  consumer  keep: run 2 Succeeded\n=  side      keep: run 3 Succeeded\n" +
        "workflow wf: 3 unchanged\n"
    })
    const json = JSON.parse((await ws.tyger("apply", "wf.ts", "-o", "json")).stdout) as AppliedJson
    assert.deepEqual(json, { name: "wf", runs: first })
    assert.equal(await runCount(ws), 3)
  })

  test("--dry-run after a change of the consumer's env shows it re-created and changes nothing; apply re-creates it", async () => {
    ws.workflow({ greeting: "hi" })
    const before = await ws.tyger("workflow", "show", "wf", "--output", "json")
    assert.equal(before.code, 0, before.stderr)
    const plan = [
      "=  producer  keep: run 1 Succeeded",
      "~  consumer  re-create (was run 2): changed",
      "=  side      keep: run 3 Succeeded"
    ]
    assert.deepEqual(await ws.tyger("apply", "wf.ts", "--dry-run"), {
      code: 0,
      stdout: [...plan, "workflow wf: 1 to re-create, 2 unchanged (dry run: nothing was changed)", ""].join("\n"),
      stderr: ""
    })
    const dryJson = await ws.tyger("apply", "wf.ts", "--dry-run", "--output", "json")
    assert.equal(dryJson.code, 0, dryJson.stderr)
    assert.deepEqual(JSON.parse(dryJson.stdout), {
      name: "wf",
      dryRun: true,
      actions: [
        { _tag: "keep", name: "producer", runId: 1, status: "Succeeded" },
        { _tag: "recreate", name: "consumer", why: "changed", previous: 2 },
        { _tag: "keep", name: "side", runId: 3, status: "Succeeded" }
      ]
    })
    assert.deepEqual(await ws.tyger("workflow", "show", "wf", "--output", "json"), before)
    assert.equal(await runCount(ws), 3)

    const applied = await ws.tyger("apply", "wf.ts")
    assert.equal(applied.code, 0, applied.stderr)
    assert.equal(applied.stdout, "RUN       ID  STATUS\nproducer  1   Succeeded\nconsumer  4   Succeeded\nside      3   Succeeded\n")
    assert.deepEqual(lines(applied.stderr).slice(0, 4), [...plan, "workflow wf: 1 to re-create, 2 unchanged"])
    const progress = progressOf(applied.stderr, 4)
    assert.deepEqual([progress.errors, progress.last], [[], { consumer: "4 Succeeded" }])
    assert.equal(await runCount(ws), 4)
    // The new consumer read the kept producer's buffer again.
    const shown = JSON.parse((await ws.tyger("workflow", "show", "wf", "-o", "json")).stdout) as AppliedJson
    assert.equal(shown.runs["consumer"]!.buffers["input"], first["producer"]!.buffers["output"])
    assert.equal(await readBuffer(ws, shown.runs["consumer"]!.buffers["output"]!), numbered("hi line"))
  })

  test("a change of the producer re-creates it and its consumer; side is kept", async () => {
    ws.workflow({ greeting: "hi", word: "row" })
    const applied = await applyExpecting(ws, ["wf.ts", "-o", "json"], 0, [
      "~  producer  re-create (was run 1): changed",
      "~  consumer  re-create (was run 4): its input from 'producer' is re-created",
      "=  side      keep: run 3 Succeeded",
      "workflow wf: 2 to re-create, 1 unchanged"
    ])
    const progress = progressOf(applied.stderr, 4)
    assert.deepEqual([progress.errors, progress.last], [[], { producer: "5 Succeeded", consumer: "6 Succeeded" }])
    const { runs } = JSON.parse(applied.stdout) as AppliedJson
    assert.deepEqual(Object.entries(runs).map(([name, run]) => [name, run.id, run.status]), [
      ["producer", 5, "Succeeded"],
      ["consumer", 6, "Succeeded"],
      ["side", 3, "Succeeded"]
    ])
    assert.notEqual(runs["producer"]!.buffers["output"], first["producer"]!.buffers["output"])
    assert.equal(runs["consumer"]!.buffers["input"], runs["producer"]!.buffers["output"])
    assert.deepEqual(runs["side"], first["side"])
    assert.equal(await readBuffer(ws, runs["consumer"]!.buffers["output"]!), numbered("hi row"))
    assert.equal(await runCount(ws), 6)
  })

  test("workflow list and workflow show (text and json) read what was applied", async () => {
    const listed = await ws.tyger("workflow", "list")
    assert.equal(listed.code, 0, listed.stderr)
    assert.equal(listed.stderr, "")
    const appliedAt = TIME.exec(listed.stdout)?.[0]
    assert.ok(appliedAt !== undefined, listed.stdout)
    assert.equal(listed.stdout.replace(TIME, "<time>"), "NAME  FILE   APPLIED                   RUNS\nwf    wf.ts  <time>  3\n")

    assert.deepEqual(await ws.tyger("workflow", "show", "wf"), {
      code: 0,
      stdout: "RUN       ID  STATUS\nproducer  5   Succeeded\nconsumer  6   Succeeded\nside      3   Succeeded\n",
      stderr: ""
    })
    const shown = await ws.tyger("workflows", "show", "wf", "--output", "json")
    assert.equal(shown.code, 0, shown.stderr)
    const json = JSON.parse(shown.stdout) as AppliedJson & Record<string, unknown>
    assert.deepEqual(Object.keys(json), ["name", "source", "appliedAt", "runs"])
    assert.deepEqual([json.name, json["source"], json["appliedAt"]], ["wf", "wf.ts", appliedAt])
    assert.deepEqual(Object.keys(json.runs), ["producer", "consumer", "side"])
    assert.deepEqual(json.runs["side"], first["side"])
    assert.equal(json.runs["consumer"]!.id, 6)
    assert.equal(json.runs["consumer"]!.buffers["input"], json.runs["producer"]!.buffers["output"])

    assert.deepEqual(await ws.tyger("workflow", "show", "nope"), { code: 1, stdout: "", stderr: "Error: workflow 'nope' has not been applied\n" })
    assert.deepEqual(await ws.tyger("workflow", "show"), { code: 1, stdout: "", stderr: "Error: accepts 1 arg(s), received 0\n" })
    assert.deepEqual(await ws.tyger("workflow", "show", "wf", "-o", "yaml"), {
      code: 1,
      stdout: "",
      stderr: "Error: invalid argument \"yaml\" for \"--output\" flag: must be 'json', 'text'\n"
    })
    // Every run has ended: nothing of this workflow is left on the engine.
    await waitFor(async () => (await labelled(dataDirLabel(ws.dataDir))).containers.length === 0, "the containers to be removed")
  })
})
