// A run file written for Tyger in the cloud (a node pool, a codespec identity, a cluster) runs on Docker as in Tyger's
// Docker mode: accepted, realised without them, with one warning per setting. Its logs carry Tyger's `[main]` prefix
// (the run has buffers), live and archived; `--log-format json` writes `runId` as a number. Every `tyger` is a
// separate process of this runtime, runs are real containers.
import assert from "node:assert/strict"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import process from "node:process"
import { after, describe, test } from "node:test"
import { dataDirLabel, dockerOrSkip, removeLabelled, testImage } from "../../support/Docker.ts"
import { collect, quote, tygerArgv } from "../../support/Cli.ts"
import { tempDir } from "../../support/Run.ts"

const skip = await dockerOrSkip()
const dataDirs: Array<string> = []
after(async () => {
  if (skip !== false) return
  for (const dataDir of dataDirs) await removeLabelled(dataDirLabel(dataDir))
})

const CLOUD_RUN = `job:
  codespec:
    image: ${testImage}
    identity: my-identity
    buffers:
      inputs: ["input"]
      outputs: ["output"]
    command: ["sh", "-c", 'echo started; cat "$INPUT_PIPE" > "$OUTPUT_PIPE"; echo done']
  nodePool: cpunp
cluster: mycluster
`

const WARNINGS = [
  "WRN Node pools are ignored by the docker provider: nodePool 'cpunp' has no effect",
  "WRN Workload identities are ignored by the docker provider: codespec identity 'my-identity' has no effect",
  "WRN Clusters are ignored by the docker provider: cluster 'mycluster' has no effect"
]

const workspace = () => {
  const dir = tempDir("tyger-cloud-run-")
  const dataDir = Path.join(dir, "data")
  dataDirs.push(dataDir)
  Fs.writeFileSync(Path.join(dir, "cloud.yml"), CLOUD_RUN)
  const env = { ...process.env, TYGER_TS_DATA_DIR: dataDir, NO_COLOR: "1" }
  const tygerFunction = `tyger() { ${tygerArgv().map(quote).join(" ")} "$@"; }`
  const sh = (script: string) =>
    collect(spawn("bash", ["-c", `${tygerFunction}\n${script}`], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] }))
  const tyger = (...args: ReadonlyArray<string>) => sh(`tyger ${args.map(quote).join(" ")}`)
  return { dir, sh, tyger }
}

const LOG_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INF|WRN|ERR|FTL) /

/** Tyger's plain log lines without their timestamps. */
const messages = (stderr: string) =>
  stderr.split("\n").filter((line) => line !== "").map((line) => (LOG_LINE.test(line) ? line.slice(25) : line))

const show = async (ws: ReturnType<typeof workspace>, id: number) =>
  JSON.parse((await ws.tyger("run", "show", String(id))).stdout) as Record<string, unknown> & {
    readonly status: string
    readonly job: Record<string, unknown>
  }

const waitFinal = async (ws: ReturnType<typeof workspace>, id: number) => {
  const deadline = Date.now() + 60_000
  // `run logs` reads the archive once the run is final: its containers are gone.
  while (Date.now() < deadline) {
    const run = await show(ws, id)
    if (["Succeeded", "Failed", "Canceled"].includes(run.status)) return run
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`run ${id} did not end`)
}

describe("a cloud run file on Docker", { skip }, () => {
  test("run exec: one warning per ignored setting, the run succeeds; logs `[main] …`; no cluster on the run", async () => {
    const ws = workspace()
    const result = await ws.sh("echo Paul | tyger run exec -f cloud.yml --logs")
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stdout, "Paul\n")
    const lines = messages(result.stderr)
    assert.deepEqual(lines.slice(0, 4), [...WARNINGS, "INF Run created runId=1"])
    assert.equal(lines.filter((l) => l.startsWith("WRN")).length, 3)
    // Live, through `--logs`: the run has buffers, so Tyger's Docker mode prefixes the main container's lines.
    assert.deepEqual(lines.filter((l) => !/^(INF|WRN) /.test(l)), [
      "[main] started",
      "[main] done"
    ])
    const run = await waitFinal(ws, 1)
    assert.equal(run.status, "Succeeded")
    // As Tyger's Docker mode stores it: no cluster; the node pool and the identity are kept, unused.
    assert.equal(run["cluster"], undefined)
    assert.equal(run.job["nodePool"], "cpunp")
    assert.equal((run.job["codespec"] as Record<string, unknown>)["identity"], "my-identity")
    // Archived: the same lines.
    assert.deepEqual(await ws.tyger("run", "logs", "1"), { code: 0, stdout: "[main] started\n[main] done\n", stderr: "" })
  })

  test("run create (file and flags) and apply warn the same; --log-format json writes runId as a number", async () => {
    const ws = workspace()
    const created = await ws.sh(
      "set -e; tyger buffer create > in.id; echo Ada | tyger buffer write $(cat in.id); tyger run create -f cloud.yml -b input=$(cat in.id)"
    )
    assert.equal(created.code, 0, created.stderr)
    assert.equal(created.stdout, "1\n")
    assert.deepEqual(messages(created.stderr), WARNINGS)

    const flags = await ws.sh(
      "tyger run create -f cloud.yml --node-pool gpunp --cluster eastus --tag a=b -b input=$(cat in.id) --timeout 30s"
    )
    assert.equal(flags.code, 0, flags.stderr)
    assert.deepEqual(messages(flags.stderr), [
      "WRN Node pools are ignored by the docker provider: nodePool 'gpunp' has no effect",
      WARNINGS[1]!,
      "WRN Clusters are ignored by the docker provider: cluster 'eastus' has no effect"
    ])

    const json = await ws.sh("echo Paul | tyger run exec -f cloud.yml --log-format json")
    assert.equal(json.code, 0, json.stderr)
    assert.equal(json.stdout, "Paul\n")
    const entries = json.stderr.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>)
    assert.deepEqual(entries.filter((e) => e["level"] === "warn").map((e) => `WRN ${String(e["message"])}`), WARNINGS)
    const statuses = entries.filter((e) => e["message"] === "Run status changed")
    assert.ok(statuses.length >= 2)
    for (const entry of [...statuses, entries.find((e) => e["message"] === "Run created")!]) assert.equal(entry["runId"], 3)
    assert.match(json.stderr, /"runId":3,/)

    // Its input buffer is created empty and never written: the run is left to wait, then canceled.
    const applied = await ws.tyger("apply", "cloud.yml", "--no-wait")
    assert.equal(applied.code, 0, applied.stderr)
    assert.deepEqual(messages(applied.stderr).filter((l) => l.startsWith("WRN")), WARNINGS)
    assert.equal((await ws.tyger("run", "cancel", "4")).code, 0)
    for (const id of [1, 2]) assert.equal((await waitFinal(ws, id)).status, "Succeeded")
    await waitFinal(ws, 4)
  })
})
