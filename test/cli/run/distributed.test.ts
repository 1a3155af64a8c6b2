// Distributed runs through the CLI as a new user would try them: every `tyger` is a separate process of the runtime
// running this test (cli/bin.mjs, as bin/tyger starts it), runs are real containers on a real network. A worker
// codespec serves its host name over HTTP on endpoint web=8080; the job fetches every address Tyger's variable lists.
import assert from "node:assert/strict"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import process from "node:process"
import { after, describe, test } from "node:test"
import { workerHost } from "../../../providers/docker/internal/Naming.ts"
import { dataDirLabel, dockerOrSkip, labelled, removeLabelled, testImage } from "../../support/Docker.ts"
import { collect, quote, tygerArgv } from "../../support/Cli.ts"
import { tempDir } from "../../support/Run.ts"

const skip = await dockerOrSkip()
const dataDirs: Array<string> = []

/** Containers and networks of a data directory's runs. */
const engineObjects = (dataDir: string) => labelled(dataDirLabel(dataDir))

after(async () => {
  if (skip !== false) return
  // Finalised runs remove their containers and networks; whatever a failed test left behind goes here.
  for (const dataDir of dataDirs) await removeLabelled(dataDirLabel(dataDir))
})

interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const SERVE_HOSTNAME = "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"
/** Every answer goes to the log and to the output buffer. (No `wget -T`: the test image's busybox segfaults with it.) */
const FETCH_EVERY_WORKER =
  `for a in $(echo "$TYGER_WEB_WORKER_ENDPOINT_ADDRESSES" | tr -d '[]"' | tr , ' '); do wget -q -O - "http://$a/" || exit 1; done | tee "$OUTPUT_PIPE"`

const indented = (indent: string, lines: ReadonlyArray<string>) => lines.map((line) => `${indent}${line}`).join("\n")

const jobCodespecBody = [
  `image: ${testImage}`,
  "buffers:",
  '  outputs: ["output"]',
  "command:",
  '  - "sh"',
  '  - "-c"',
  `  - ${JSON.stringify(FETCH_EVERY_WORKER)}`
]

const workerCodespecBody = [
  `image: ${testImage}`,
  "endpoints:",
  "  web: 8080",
  "command:",
  '  - "sh"',
  '  - "-c"',
  `  - ${JSON.stringify(SERVE_HOSTNAME)}`
]

/** A directory with run files and a data directory; `sh` runs a script in it with `tyger` on hand. */
const workspace = (env: { readonly [name: string]: string } = {}) => {
  const dir = tempDir("tyger-run-distributed-")
  const dataDir = Path.join(dir, "data")
  dataDirs.push(dataDir)
  // Tyger's run-file shape (docs: a top-level `worker:` with a named or an inline codespec and `replicas`).
  Fs.writeFileSync(Path.join(dir, "named.yml"), "job:\n  codespec: fetch\nworker:\n  codespec: web/versions/1\n  replicas: 3\n")
  Fs.writeFileSync(
    Path.join(dir, "inline.yml"),
    `job:\n  codespec:\n${indented("    ", jobCodespecBody)}\nworker:\n  codespec:\n${indented("    ", workerCodespecBody)}\n  replicas: 2\n`
  )
  const fullEnv = { ...process.env, TYGER_TS_DATA_DIR: dataDir, NO_COLOR: "1", ...env }
  const tygerFunction = `tyger() { ${tygerArgv().map(quote).join(" ")} "$@"; }`
  const sh = (script: string): Promise<Result> =>
    collect(spawn("bash", ["-c", `${tygerFunction}\n${script}`], { cwd: dir, env: fullEnv, stdio: ["ignore", "pipe", "pipe"] }))
  const tyger = (...args: ReadonlyArray<string>) => sh(`tyger ${args.map(quote).join(" ")}`)
  /** The two codespecs of the guide-style session: `web` (worker) and `fetch` (job). */
  const codespecs = async () => {
    const worker = await tyger(
      "codespec", "create", "web", "--kind", "worker", "--image", testImage, "--endpoint", "web=8080",
      "--command", "--", "sh", "-c", SERVE_HOSTNAME
    )
    assert.deepEqual(worker, { code: 0, stdout: "1\n", stderr: "" })
    const job = await tyger("codespec", "create", "fetch", "--image", testImage, "-o", "output", "--command", "--", "sh", "-c", FETCH_EVERY_WORKER)
    assert.deepEqual(job, { code: 0, stdout: "1\n", stderr: "" })
  }
  return { dir, dataDir, sh, tyger, codespecs }
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

type Shown = Record<string, unknown> & {
  readonly id: number
  readonly status: string
  readonly statusReason?: string
  readonly job: Record<string, unknown>
  readonly worker?: Record<string, unknown>
}

const show = async (ws: ReturnType<typeof workspace>, id: string | number): Promise<Shown> => {
  const shown = await ws.tyger("run", "show", String(id))
  assert.equal(shown.code, 0, shown.stderr)
  return JSON.parse(shown.stdout) as Shown
}

/** The run once it is terminal (run create's monitor is its own process). */
const terminal = async (ws: ReturnType<typeof workspace>, id: string | number) => {
  const deadline = Date.now() + 300_000
  for (;;) {
    const run = await show(ws, id)
    if (["Succeeded", "Failed", "Canceled"].includes(run.status)) return run
    if (Date.now() > deadline) throw new Error(`run ${id} still ${run.status}`)
    await sleep(200)
  }
}

/** Nothing of the data directory's runs on the engine, once their monitors have finalised them. */
const nothingLeft = async (dataDir: string) => {
  const deadline = Date.now() + 60_000
  for (;;) {
    const left = await engineObjects(dataDir)
    if (left.containers.length === 0 && left.networks.length === 0) return
    // `run show` reports a terminal status before its monitor has removed what the run created.
    if (Date.now() > deadline) assert.deepEqual(left, { containers: [], networks: [] })
    await sleep(200)
  }
}

const hosts = (runId: number, replicas: number) => Array.from({ length: replicas }, (_, i) => workerHost(runId, i))

describe("tyger run with workers (end to end)", { skip }, () => {
  test("codespec create --kind worker --endpoint web=8080; run exec --worker-codespec --worker-replicas 3 --logs", async () => {
    const ws = workspace()
    await ws.codespecs()
    const worker = JSON.parse((await ws.tyger("codespec", "show", "web")).stdout) as Record<string, unknown>
    assert.equal(worker["kind"], "worker")
    assert.deepEqual(worker["endpoints"], { web: 8080 })

    const result = await ws.tyger("run", "exec", "-c", "fetch", "--worker-codespec", "web", "--worker-replicas", "3", "--logs")
    assert.equal(result.code, 0, result.stderr)
    // The output buffer on stdout; the job's log lines, prefixed as Tyger's, among the status lines on stderr.
    assert.equal(result.stdout, hosts(1, 3).map((h) => `${h}\n`).join(""))
    const logged = result.stderr.split("\n").filter((line) => line.startsWith("["))
    assert.deepEqual(logged, hosts(1, 3).map((h) => `[job] ${h}`))
    assert.match(result.stderr, /INF Run status changed runId=1 status=Succeeded/)

    const logs = await ws.tyger("run", "logs", "1")
    assert.deepEqual(logs, { code: 0, stdout: hosts(1, 3).map((h) => `[job] ${h}\n`).join(""), stderr: "" })
    await nothingLeft(ws.dataDir)
  })

  test("run files with a top-level worker: a named codespec (exec) and an inline one (create); run show has the worker", async () => {
    const ws = workspace()
    await ws.codespecs()

    const named = await ws.tyger("run", "exec", "-f", "named.yml")
    assert.equal(named.code, 0, named.stderr)
    assert.equal(named.stdout, hosts(1, 3).map((h) => `${h}\n`).join(""))
    const shownNamed = await show(ws, 1)
    assert.equal(shownNamed.status, "Succeeded")
    const namedWorker = shownNamed.worker!
    const namedCodespec = namedWorker["codespec"] as Record<string, unknown>
    assert.deepEqual([namedCodespec["kind"], namedCodespec["name"], namedCodespec["version"]], ["worker", "web", 1])
    assert.deepEqual(namedCodespec["endpoints"], { web: 8080 })
    assert.equal(namedWorker["replicas"], 3)

    const created = await ws.tyger("run", "create", "-f", "inline.yml")
    assert.deepEqual(created, { code: 0, stdout: "2\n", stderr: "" })
    const inline = await terminal(ws, 2)
    assert.equal(inline.status, "Succeeded", inline.statusReason)
    const inlineCodespec = inline.worker!["codespec"] as Record<string, unknown>
    assert.equal(inlineCodespec["kind"], "worker")
    assert.equal(inlineCodespec["name"], undefined)
    assert.deepEqual(inlineCodespec["endpoints"], { web: 8080 })
    assert.equal(inline.worker!["replicas"], 2)
    const read = await ws.tyger("buffer", "read", String((inline.job["buffers"] as Record<string, unknown>)["output"]))
    assert.deepEqual(read, { code: 0, stdout: hosts(2, 2).map((h) => `${h}\n`).join(""), stderr: "" })
    await nothingLeft(ws.dataDir)
  })

  test("TYGER_TS_WORKER_READY_TIMEOUT=2s reaches run create's monitor: a worker that never listens fails the run", async () => {
    const ws = workspace({ TYGER_TS_WORKER_READY_TIMEOUT: "2s" })
    await ws.codespecs()
    const silent = await ws.tyger("codespec", "create", "silent", "--kind", "worker", "--image", testImage, "--endpoint", "web=8080", "--command", "--", "sleep", "3600")
    assert.equal(silent.code, 0, silent.stderr)
    const created = await ws.tyger("run", "create", "-c", "fetch", "--worker-codespec", "silent")
    assert.deepEqual(created, { code: 0, stdout: "1\n", stderr: "" })
    // The query `nothingLeft` relies on sees the run's worker and network while the job waits (2 s at least).
    const deadline = Date.now() + 60_000
    for (;;) {
      const objects = await engineObjects(ws.dataDir)
      if (objects.containers.length === 1 && objects.networks.length === 1) break
      if (Date.now() > deadline) assert.fail(`the waiting run's worker and network were never seen: ${JSON.stringify(objects)}`)
      await sleep(100)
    }
    const run = await terminal(ws, 1)
    assert.equal(run.status, "Failed")
    assert.match(run.statusReason ?? "", new RegExp(`^Timed out after 2s waiting for worker ${workerHost(1, 0)} on endpoint 'web' \\(port 8080\\): `))
    await nothingLeft(ws.dataDir)
  })

  test("TYGER_TS_WORKER_READY_TIMEOUT=bogus: a clear error, exit 1, no run recorded", async () => {
    const ws = workspace({ TYGER_TS_WORKER_READY_TIMEOUT: "bogus" })
    await ws.codespecs()
    for (const command of ["exec", "create"]) {
      const result = await ws.tyger("run", command, "-c", "fetch", "--worker-codespec", "web")
      assert.deepEqual(result, {
        code: 1,
        stdout: "",
        stderr: "Error: TYGER_TS_WORKER_READY_TIMEOUT must be a positive duration such as 90s or 10m, not 'bogus'\n"
      }, command)
    }
    const listed = await ws.sh("TYGER_TS_WORKER_READY_TIMEOUT= tyger run list")
    assert.deepEqual(listed, { code: 0, stdout: "[]\n", stderr: "" })
  })
})
