// Tyger's runs guide (docs/guides/runs.md) end to end: every `tyger` is a separate process of the runtime running this
// test (cli/bin.mjs, as bin/tyger starts it), shell pipelines are real pipes, runs are real containers. The guide's
// ubuntu/bash codespec becomes busybox/sh, which is what the test image has.
import assert from "node:assert/strict"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import process from "node:process"
import { after, describe, test } from "node:test"
import { dataDirLabel, dockerOrSkip, labelled, removeLabelled, testImage } from "../../support/Docker.ts"
import { collect, quote, tygerArgv } from "../../support/Cli.ts"
import { tempDir } from "../../support/Run.ts"

const skip = await dockerOrSkip()
const dataDirs: Array<string> = []
after(async () => {
  if (skip !== false) return
  // Finalised runs remove their containers and networks; whatever a failed test left behind goes here.
  for (const dataDir of dataDirs) await removeLabelled(dataDirLabel(dataDir))
})

const HELLO_COMMAND = `set -eu
inp=$(cat "$INPUT_PIPE")
echo "Hello \${inp}" > "$OUTPUT_PIPE"
`

const codespecBody = (indent: string) =>
  [
    `image: ${testImage}`,
    "buffers:",
    '  inputs: ["input"]',
    '  outputs: ["output"]',
    "command:",
    '  - "sh"',
    '  - "-c"',
    "  - |",
    ...HELLO_COMMAND.trimEnd().split("\n").map((line) => `    ${line}`)
  ].map((line) => `${indent}${line}`).join("\n")

/** A directory with the guide's files and a data directory; `sh` runs a script in it with `tyger` on hand. */
const workspace = () => {
  const dir = tempDir("tyger-run-e2e-")
  const dataDir = Path.join(dir, "data")
  dataDirs.push(dataDir)
  Fs.writeFileSync(Path.join(dir, "hello.yml"), `name: hello\n${codespecBody("")}\n`)
  Fs.writeFileSync(Path.join(dir, "run.yml"), "job:\n  codespec: hello\n")
  Fs.writeFileSync(Path.join(dir, "inline.yml"), `job:\n  codespec:\n${codespecBody("    ")}\n`)
  const env = { ...process.env, TYGER_TS_DATA_DIR: dataDir, NO_COLOR: "1" }
  const tygerFunction = `tyger() { ${tygerArgv().map(quote).join(" ")} "$@"; }`
  const start = (script: string) =>
    spawn("bash", ["-c", `${tygerFunction}\n${script}`], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] })
  const sh = (script: string) => collect(start(script))
  const tyger = (...args: ReadonlyArray<string>) => sh(`tyger ${args.map(quote).join(" ")}`)
  /** The CLI itself (no shell between), for signals. */
  const spawnTyger = (args: ReadonlyArray<string>) => {
    const [executable, ...argv] = tygerArgv()
    return spawn(executable!, [...argv, ...args], { cwd: dir, env, stdio: ["pipe", "pipe", "pipe"] })
  }
  return { dir, dataDir, sh, tyger, spawnTyger }
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

const waitFor = async (condition: () => boolean | Promise<boolean>, what: string, timeoutMillis = 60_000) => {
  const deadline = Date.now() + timeoutMillis
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

const LOG_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (INF|WRN|ERR|FTL) /
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d*[1-9])?Z$/

/** The messages of Tyger's plain log lines, timestamps removed. */
const messages = (stderr: string) =>
  stderr.split("\n").filter((line) => line !== "").map((line) => (LOG_LINE.test(line) ? line.slice(25) : line))

type Shown = Record<string, unknown> & { readonly id: number; readonly status: string; readonly job: Record<string, unknown> }

const show = async (ws: ReturnType<typeof workspace>, id: string | number): Promise<Shown> => {
  const shown = await ws.tyger("run", "show", String(id))
  assert.equal(shown.stderr, "")
  return JSON.parse(shown.stdout) as Shown
}

const terminal = async (ws: ReturnType<typeof workspace>, id: string | number) => {
  let run = await show(ws, id)
  await waitFor(async () => ["Succeeded", "Failed", "Canceled"].includes((run = await show(ws, id)).status), `run ${id} to end`)
  return run
}

describe("tyger run (end to end, runs guide)", { skip }, () => {
  test("codespec create -f hello.yml; echo Paul | run exec --codespec hello > result", async () => {
    const ws = workspace()
    assert.deepEqual(await ws.tyger("codespec", "create", "-f", "hello.yml"), { code: 0, stdout: "1\n", stderr: "" })
    const result = await ws.sh(`echo "Paul" | tyger run exec --codespec hello > result.txt`)
    assert.equal(result.code, 0, result.stderr)
    assert.equal(Fs.readFileSync(Path.join(ws.dir, "result.txt"), "utf8"), "Hello Paul\n")
    assert.equal(result.stdout, "")
    assert.deepEqual(messages(result.stderr), [
      "INF Run created runId=1",
      "INF Run status changed runId=1 status=Pending",
      "INF Run status changed runId=1 status=Running",
      "INF Run status changed runId=1 status=Succeeded"
    ])
    assert.ok(result.stderr.split("\n").filter((l) => l !== "").every((l) => LOG_LINE.test(l)), result.stderr)
  })

  test("the same with -f run.yml (a named codespec) and -f inline.yml (an inline one)", async () => {
    const ws = workspace()
    await ws.tyger("codespec", "create", "-f", "hello.yml")
    for (const file of ["run.yml", "inline.yml"]) {
      const result = await ws.sh(`echo "Paul" | tyger run exec -f ${file}`)
      assert.equal(result.code, 0, result.stderr)
      assert.equal(result.stdout, "Hello Paul\n", file)
    }
    const inline = await show(ws, 2)
    const codespec = inline.job["codespec"] as Record<string, unknown>
    assert.equal(codespec["kind"], "job")
    assert.equal(codespec["name"], undefined)
    const named = (await show(ws, 1)).job["codespec"] as Record<string, unknown>
    assert.deepEqual([named["name"], named["version"]], ["hello", 1])
    assert.match(String(named["createdAt"]), RFC3339)
  })

  test("run create + buffer write + buffer read; then show, watch, logs, list, counts, set", async () => {
    const ws = workspace()
    await ws.tyger("codespec", "create", "-f", "hello.yml")
    const script = `set -e
input_id=$(tyger buffer create)
output_id=$(tyger buffer create)
run_id=$(tyger run create --codespec hello --buffer input=$input_id --buffer output=$output_id --tag guide=runs)
echo "Paul" | tyger buffer write $input_id
tyger buffer read $output_id > result.txt
echo "$run_id $input_id $output_id"`
    const result = await ws.sh(script)
    assert.equal(result.code, 0, result.stderr)
    assert.equal(result.stderr, "")
    const [runId, inputId, outputId] = result.stdout.trim().split(" ")
    assert.equal(runId, "1")
    assert.equal(Fs.readFileSync(Path.join(ws.dir, "result.txt"), "utf8"), "Hello Paul\n")

    const watched = await ws.tyger("run", "watch", runId!)
    assert.equal(watched.code, 0, watched.stderr)
    const lines = watched.stdout.trimEnd().split("\n")
    const last = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>
    assert.deepEqual(Object.keys(last), ["id", "status", "createdAt", "startedAt", "finishedAt"])
    assert.equal(last["status"], "Succeeded")
    assert.ok(lines.every((line) => !line.includes(" ")), "compact JSON")

    const run = await terminal(ws, runId!)
    assert.deepEqual(Object.keys(run), [
      "id", "status", "createdAt", "startedAt", "finishedAt", "job", "timeoutSeconds", "tags", "eTag", "bufferAccessTtl"
    ])
    assert.deepEqual(run.job["buffers"], { input: inputId, output: outputId })
    assert.deepEqual(run["tags"], { guide: "runs" })
    assert.equal(run["timeoutSeconds"], 43200)
    assert.equal(run["bufferAccessTtl"], "01:00:00")
    for (const field of ["createdAt", "startedAt", "finishedAt"]) assert.match(String(run[field]), RFC3339)

    assert.deepEqual(await ws.tyger("run", "logs", runId!), { code: 0, stdout: "", stderr: "" })
    const listed = await ws.tyger("run", "list")
    assert.equal(listed.code, 0)
    assert.match(listed.stdout, /^\[\n {4}\{\n {6}"id": 1,\n {6}"status": "Succeeded",\n/)
    assert.deepEqual(await ws.tyger("run", "list", "--status", "failed"), { code: 0, stdout: "[]\n", stderr: "" })
    assert.deepEqual(await ws.tyger("run", "list", "--since", "tomorrow"), { code: 0, stdout: "[]\n", stderr: "" })
    assert.deepEqual(await ws.tyger("run", "counts"), { code: 0, stdout: "{\n  \"succeeded\": 1\n}\n", stderr: "" })
    assert.deepEqual(await ws.tyger("run", "count", "--tag", "guide=other"), { code: 0, stdout: "{}\n", stderr: "" })

    const set = await ws.tyger("run", "set", runId!, "--tag", "stage=done")
    assert.equal(set.code, 0, set.stderr)
    const updated = JSON.parse(set.stdout) as Shown
    assert.deepEqual(updated["tags"], { guide: "runs", stage: "done" })
    assert.notEqual(updated["eTag"], run["eTag"])
    assert.deepEqual(await ws.tyger("run", "set", runId!, "--tag", "x=y", "--etag", String(run["eTag"])), {
      code: 1,
      stdout: "",
      stderr: "Error: the server's ETag does not match the provided ETag\n"
    })
    const cleared = JSON.parse((await ws.tyger("run", "set", runId!, "--clear-tags", "--tag", "only=this")).stdout) as Shown
    assert.deepEqual(cleared["tags"], { only: "this" })
    assert.deepEqual(await ws.tyger("run", "cancel", runId!), {
      code: 1,
      stdout: "",
      stderr: "Error: unable to cancel job 1 because its status is Succeeded\n"
    })
  })

  test("run exec of a failing run: exit 1 with Tyger's FTL line; --logs shows what the program said", async () => {
    const ws = workspace()
    Fs.writeFileSync(Path.join(ws.dir, "fail.yml"),
      `job:\n  codespec:\n    image: ${testImage}\n    buffers:\n      outputs: ["output"]\n    command: ["sh", "-c", "echo oops >&2; exit 3"]\n`)
    const result = await ws.tyger("run", "exec", "-f", "fail.yml", "--logs")
    assert.equal(result.code, 1)
    assert.equal(result.stdout, "")
    // The program's log line and the status lines come from two independent streams: only each stream's order is
    // fixed, not how they interleave.
    // The run has a buffer: Tyger's Docker mode prefixes the main container's lines with `[main]`.
    const lines = messages(result.stderr)
    assert.deepEqual(lines.filter((line) => line !== "[main] oops"), [
      "INF Run created runId=1",
      "INF Run status changed runId=1 status=Pending",
      "INF Run status changed runId=1 status=Running",
      "INF Run status changed runId=1 status=Failed",
      "FTL Run failed error=\"run failed with status Failed (Main exited with code 3)\" runId=1"
    ])
    assert.ok(lines.indexOf("[main] oops") > lines.indexOf("INF Run status changed runId=1 status=Running"))
    assert.ok(lines.indexOf("[main] oops") < lines.length - 1)
  })

  test("Ctrl-C on run exec cancels the run", async () => {
    const ws = workspace()
    Fs.writeFileSync(Path.join(ws.dir, "slow.yml"),
      `job:\n  codespec:\n    image: ${testImage}\n    command: ["sh", "-c", "echo started; sleep 120"]\n`)
    const child = ws.spawnTyger(["run", "exec", "-f", "slow.yml", "--logs"])
    child.stdin.end()
    let stderr = ""
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)))
    await waitFor(() => stderr.includes("started\n"), "the program to start")
    // process.kill, not child.kill: Deno reports a child it killed itself as ended by the signal, whatever its code.
    process.kill(child.pid!, "SIGINT")
    assert.equal(await exited, 1, stderr)
    assert.deepEqual(messages(stderr).slice(-2), [
      "WRN Canceling... runId=1",
      "FTL Run failed error=\"run failed with status Canceled (Canceled by user)\" runId=1"
    ])
    const run = await show(ws, 1)
    assert.equal(run.status, "Canceled")
    assert.equal(run["statusReason"], "Canceled by user")
  })

  test("run create of a long run, logs --follow, cancel; the monitor process supervised it", async () => {
    const ws = workspace()
    Fs.writeFileSync(Path.join(ws.dir, "slow.yml"),
      `job:\n  codespec:\n    image: ${testImage}\n    command: ["sh", "-c", "for i in 1 2 3; do echo $i; done; sleep 120"]\n`)
    const created = await ws.tyger("run", "create", "-f", "slow.yml")
    assert.deepEqual(created, { code: 0, stdout: "1\n", stderr: "" })
    const following = ws.sh("tyger run logs 1 --follow")
    await waitFor(async () => (await show(ws, 1)).status === "Running", "the run to be Running")
    await waitFor(async () => (await ws.tyger("run", "logs", "1")).stdout === "1\n2\n3\n", "the logs")
    const tail = await ws.tyger("run", "logs", "1", "--tail", "2", "--timestamps")
    assert.match(tail.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z 2\n\S+ 3\n$/)
    const since = tail.stdout.split(" ")[0]!
    assert.deepEqual(await ws.tyger("run", "logs", "1", "--since", since), { code: 0, stdout: "3\n", stderr: "" })
    assert.deepEqual(await ws.tyger("run", "cancel", "1"), { code: 0, stdout: "Job 1 has been canceled\n", stderr: "" })
    assert.deepEqual(await following, { code: 0, stdout: "1\n2\n3\n", stderr: "" })
    const run = await terminal(ws, 1)
    assert.equal(run.status, "Canceled")
    assert.equal(run["statusReason"], "Canceled by user")
    assert.match(String(run["finishedAt"]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    // The logs outlive the containers.
    await waitFor(async () => {
      return (await labelled(dataDirLabel(ws.dataDir))).containers.length === 0
    }, "the containers to be removed")
    assert.deepEqual(await ws.tyger("run", "logs", "1", "--tail", "1"), { code: 0, stdout: "3\n", stderr: "" })
    assert.deepEqual(await ws.tyger("run", "counts"), { code: 0, stdout: "{\n  \"canceled\": 1\n}\n", stderr: "" })
  })

  test("logs: a 2,000,000-character line arrives intact, live and archived", async () => {
    const ws = workspace()
    Fs.writeFileSync(Path.join(ws.dir, "long.yml"), `job:\n  codespec:\n    image: ${testImage}\n` +
      `    command: ["sh", "-c", "echo first; printf '%2000000s' '' | tr ' ' a; echo; echo last"]\n`)
    const result = await ws.tyger("run", "exec", "-f", "long.yml", "--logs")
    assert.equal(result.code, 0, result.stderr.slice(0, 2000))
    const expected = `first\n${"a".repeat(2_000_000)}\nlast\n`
    // The run's status changes are logged to stderr too, as they happen: one may fall between two of its lines.
    const logged = result.stderr.split("\n").filter((line) => !LOG_LINE.test(line)).join("\n")
    assert.ok(logged === expected, `exec --logs: ${JSON.stringify(result.stderr.split("\n").map((line) => line.length > 80 ? `${line.slice(0, 20)}… (${line.length})` : line))}`)
    await terminal(ws, 1)
    const logs = await ws.tyger("run", "logs", "1")
    assert.equal(logs.stdout.length, expected.length)
    assert.equal(logs.stdout, expected)
  })
})
