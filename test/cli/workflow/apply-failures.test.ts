// `tyger apply FILE` end to end when things go wrong: a failing run (exit 1, re-created by the next apply), a broken
// workflow (every problem reported, nothing changed), a scheduled run (refused on Docker, `--once` runs it) and Ctrl-C
// (the created runs canceled, no container left). Separate CLI processes on the real Docker engine.
import assert from "node:assert/strict"
import process from "node:process"
import { after, describe, test } from "node:test"
import { dataDirLabel, dockerOrSkip, labelled, removeLabelled } from "../../support/Docker.ts"
import { applyExpecting, dslModule, lines, progressOf, readBuffer, runCount, showRun, waitFor, workspace } from "./fixtures/Workspace.ts"

const skip = await dockerOrSkip()
const dataDirs: Array<string> = []
after(async () => {
  if (skip !== false) return
  // Finalised runs remove their containers and networks; whatever a failed test left behind goes here.
  for (const dataDir of dataDirs) await removeLabelled(dataDirLabel(dataDir))
})

const table = (...rows: ReadonlyArray<string>) => ["RUN       ID  STATUS", ...rows, ""].join("\n")

describe("tyger apply: a failing run, a broken workflow (end to end)", { skip }, () => {
  const ws = workspace(dataDirs)

  test("a failing consumer: exit 1 naming it; the next applies re-create it alone; --rerun re-creates side alone", async () => {
    ws.workflow()
    const applied = await ws.tyger("apply", "wf.ts")
    assert.equal(applied.code, 0, applied.stderr)

    ws.workflow({ consumerExit: 3 })
    const failing = await applyExpecting(ws, ["wf.ts"], 1, [
      "=  producer  keep: run 1 Succeeded",
      "~  consumer  re-create (was run 2): changed",
      "=  side      keep: run 3 Succeeded",
      "workflow wf: 1 to re-create, 2 unchanged"
    ])
    assert.equal(failing.stdout, table("producer  1   Succeeded", "consumer  4   Failed", "side      3   Succeeded"))
    let progress = progressOf(failing.stderr, 4)
    assert.deepEqual(progress.last, { consumer: "4 Failed (Main exited with code 3)" })
    assert.deepEqual(progress.errors, ["Error: run 'consumer' (4) Failed (Main exited with code 3)"])
    assert.ok(failing.stderr.endsWith("Error: run 'consumer' (4) Failed (Main exited with code 3)\n"), failing.stderr)

    // Unchanged, but its last run failed: created again (and failing again).
    const again = await applyExpecting(ws, ["wf.ts"], 1, [
      "=  producer  keep: run 1 Succeeded",
      "~  consumer  re-create (was run 4): run 4 failed",
      "=  side      keep: run 3 Succeeded",
      "workflow wf: 1 to re-create, 2 unchanged"
    ])
    assert.deepEqual(progressOf(again.stderr, 4).errors, ["Error: run 'consumer' (5) Failed (Main exited with code 3)"])

    ws.workflow()
    const fixed = await applyExpecting(ws, ["wf.ts", "-o", "json"], 0, [
      "=  producer  keep: run 1 Succeeded",
      "~  consumer  re-create (was run 5): changed",
      "=  side      keep: run 3 Succeeded",
      "workflow wf: 1 to re-create, 2 unchanged"
    ])
    progress = progressOf(fixed.stderr, 4)
    assert.deepEqual([progress.errors, progress.last], [[], { consumer: "6 Succeeded" }])
    const runs = (JSON.parse(fixed.stdout) as { runs: Record<string, { id: number; buffers: Record<string, string> }> }).runs
    assert.deepEqual(Object.values(runs).map((run) => run.id), [1, 6, 3])
    assert.equal(await readBuffer(ws, runs["consumer"]!.buffers["output"]!), "hello line 1\nhello line 2\nhello line 3\nhello line 4\n")

    const rerun = await applyExpecting(ws, ["wf.ts", "--rerun", "side"], 0, [
      "=  producer  keep: run 1 Succeeded",
      "=  consumer  keep: run 6 Succeeded",
      "~  side      re-create (was run 3): --rerun",
      "workflow wf: 1 to re-create, 2 unchanged"
    ])
    assert.equal(rerun.stdout, table("producer  1   Succeeded", "consumer  6   Succeeded", "side      7   Succeeded"))
    progress = progressOf(rerun.stderr, 4)
    assert.deepEqual([progress.errors, progress.last], [[], { side: "7 Succeeded" }])
    assert.deepEqual(await ws.tyger("apply", "wf.ts", "--rerun", "nope"), {
      code: 1,
      stdout: "",
      stderr: "Error: --rerun names no run of the workflow: nope\n"
    })
    assert.equal(await runCount(ws), 7)
  })

  test("a broken workflow: every problem as an Error line, exit 1, the applied workflow unchanged", async () => {
    const before = await ws.tyger("workflow", "show", "wf", "-o", "json")
    assert.equal(before.code, 0, before.stderr)
    ws.workflow({ sideName: "Side", bogusBuffer: true })
    for (const flags of [[], ["--dry-run"]]) {
      assert.deepEqual(await ws.tyger("apply", "wf.ts", ...flags), {
        code: 1,
        stdout: "",
        // At the lines of wf.ts (fixtures/Workspace.ts writes the consumer on line 7, the side run on line 8).
        stderr: "Error: wf.ts:7:29 run consumer → job.buffers.bogus: Buffer argument 'bogus' does not correspond to a buffer parameter " +
          "on the codespec; its parameters are 'input' and 'output'\n" +
          "Error: wf.ts:8:25 run Side: run names must consist of lower case alphanumeric characters or '-', start and end with an " +
          "alphanumeric character, and be at most 52 characters\n"
      }, flags.join(" "))
    }
    assert.deepEqual(await ws.tyger("workflow", "show", "wf", "-o", "json"), before)
    assert.equal(await runCount(ws), 7)
    await waitFor(async () => (await labelled(dataDirLabel(ws.dataDir))).containers.length === 0, "the containers to be removed")
  })
})

describe("tyger apply: schedules and Ctrl-C (end to end)", { skip }, () => {
  test("a scheduled run is refused on Docker, naming Kubernetes; --once runs it one time", async () => {
    const ws = workspace(dataDirs)
    ws.write("nightly.ts", dslModule([
      `export const report = Run.job(Codespec.job({ image, command: ["echo", "report"] }), ` +
      `{ name: "report", schedule: { cron: "30 2 * * *" } })`
    ]))
    assert.deepEqual(await ws.tyger("apply", "nightly.ts"), {
      code: 1,
      stdout: "",
      stderr: "Error: runs.report: the docker provider does not run schedules: apply this workflow to Kubernetes " +
        "(tyger plan --provider kubernetes, pulumi up), or pass --once to run it one time now\n"
    })
    assert.deepEqual(await ws.tyger("workflow", "list"), { code: 0, stdout: "no workflow has been applied\n", stderr: "" })
    assert.equal(await runCount(ws), 0)

    const once = await ws.tyger("apply", "nightly.ts", "--once")
    assert.equal(once.code, 0, once.stderr)
    assert.equal(once.stdout, "RUN     ID  STATUS\nreport  1   Succeeded\n")
    assert.deepEqual(lines(once.stderr).slice(0, 2), ["+  report  create: new", "workflow nightly: 1 to create"])
    const progress = progressOf(once.stderr, 2)
    assert.deepEqual([progress.errors, progress.last], [[], { report: "1 Succeeded" }])
    assert.deepEqual(await ws.tyger("run", "logs", "1"), { code: 0, stdout: "report\n", stderr: "" })
    const listed = await ws.tyger("workflow", "list")
    assert.equal(listed.stdout.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/, "<time>"),
      "NAME     FILE        APPLIED                   RUNS\nnightly  nightly.ts  <time>  1\n")
  })

  test("Ctrl-C cancels the runs it created: exit 1, the run Canceled, no container left", async () => {
    const ws = workspace(dataDirs)
    ws.write("slow.ts", dslModule([`export const nap = Run.job(Codespec.job({ image, command: ["sleep", "60"] }), { name: "nap" })`]))
    const child = ws.start(["apply", "slow.ts"])
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)))
    await waitFor(() => stderr.includes("nap: run 1 Running\n"), "the run to be Running")
    const running = await labelled(dataDirLabel(ws.dataDir))
    assert.ok(running.containers.length > 0, "the run's container is there")
    const started = Date.now()
    // process.kill, not child.kill: Deno reports a child it killed itself as ended by the signal, whatever its code.
    process.kill(child.pid!, "SIGINT")
    assert.equal(await exited, 1, stderr)
    assert.ok(Date.now() - started < 30_000, "canceled, not slept out")
    assert.equal(stdout, "RUN  ID  STATUS\nnap  1   Canceled\n")
    assert.deepEqual(lines(stderr).slice(0, 2), ["+  nap  create: new", "workflow slow: 1 to create"])
    assert.deepEqual(lines(stderr).slice(-3), [
      "nap: run 1 canceled",
      "Error: canceled: the runs this apply created and that were still going were canceled",
      "Error: run 'nap' (1) Canceled (Canceled by user)"
    ])
    // The command waits for its canceled runs to be finalised: nothing of them outlives it.
    assert.deepEqual(await labelled(dataDirLabel(ws.dataDir)), { containers: [], networks: [] })
    assert.deepEqual((await labelled("tyger-run=1")).containers.filter((id) => running.containers.includes(id)), [])
    const run = await showRun(ws, 1)
    assert.deepEqual([run.status, run["statusReason"]], ["Canceled", "Canceled by user"])
    assert.deepEqual(await ws.tyger("workflow", "show", "slow"), { code: 0, stdout: "RUN  ID  STATUS\nnap  1   Canceled\n", stderr: "" })
  })
})
