// Codespec sockets on Docker (issue 15): the program listens on a TCP port, the run's monitor dials it, writes the
// input buffer and half-closes, and writes what comes back to the output buffer, with persisted buffers (run create +
// buffer write/read), exec's stdin/stdout, and ephemeral `_` buffers; a program that never listens fails the run.
import assert from "node:assert/strict"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import process from "node:process"
import { after, describe, test } from "node:test"
import { collect, root, tygerArgv } from "../../support/Cli.ts"
import { dataDirLabel, dockerOrSkip, removeLabelled, testImage } from "../../support/Docker.ts"
import { tempDir } from "../../support/Run.ts"

const skip = await dockerOrSkip()

const dirs: Array<string> = []
const dataDirs: Array<string> = []
after(async () => {
  if (skip === false) for (const dataDir of dataDirs) await removeLabelled(dataDirLabel(dataDir))
  dirs.forEach((d) => Fs.rmSync(d, { recursive: true, force: true }))
})

const tyger = (dataDir: string, args: ReadonlyArray<string>, input?: string) => {
  const [exe, ...argv] = tygerArgv("main.ts")
  const child = spawn(exe!, [...argv, ...args], {
    cwd: root,
    env: { ...process.env, TYGER_TS_DATA_DIR: dataDir, NO_COLOR: "1" },
    stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"]
  })
  if (input !== undefined) child.stdin!.end(input)
  return collect(child)
}

const fresh = () => {
  const dir = tempDir("tyger-sockets-")
  dirs.push(dir)
  const dataDir = Path.join(dir, "data")
  dataDirs.push(dataDir)
  return { dir, dataDir }
}

/** The codespec: busybox nc hands the connection to `tr`, which upper-cases it until the input's end. */
const codespec = (dir: string, options: { readonly command?: string; readonly buffers?: string } = {}) => {
  const file = Path.join(dir, "sock.yml")
  Fs.writeFileSync(file, [
    "job:",
    "  codespec:",
    `    image: ${testImage}`,
    "    buffers: { inputs: [input], outputs: [output] }",
    "    sockets: [{ port: 9002, inputBuffer: input, outputBuffer: output }]",
    `    command: ${options.command ?? "[nc, -l, -p, '9002', -e, sh, -c, 'tr a-z A-Z']"}`,
    ...(options.buffers === undefined ? [] : ["  buffers:", options.buffers]),
    ""
  ].join("\n"))
  return file
}

type Shown = { readonly status: string; readonly statusReason?: string; readonly job: { readonly buffers: Record<string, string> } }

const show = async (dataDir: string, runId: string): Promise<Shown> =>
  JSON.parse((await tyger(dataDir, ["run", "show", runId])).stdout) as Shown

describe("codespec sockets on Docker", { skip }, () => {
  test("`echo hello | tyger run exec -f sock.yml` prints HELLO; the plan is accepted for docker", async () => {
    const { dir, dataDir } = fresh()
    const file = codespec(dir)
    const plan = await tyger(dataDir, ["plan", file, "--provider", "docker"])
    assert.equal(plan.code, 0, plan.stderr)
    const exec = await tyger(dataDir, ["run", "exec", "-f", file], "hello\n")
    assert.equal(exec.code, 0, exec.stderr)
    assert.equal(exec.stdout, "HELLO\n")
    const shown = await show(dataDir, "1")
    assert.equal(shown.status, "Succeeded")
    // The buffers were written in full, as exec always does.
    assert.equal((await tyger(dataDir, ["buffer", "read", shown.job.buffers["output"]!])).stdout, "HELLO\n")
  })

  test("run create + buffer write + buffer read with persisted buffers; no <P>_PIPE for a socket's buffers", async () => {
    const { dir, dataDir } = fresh()
    const file = codespec(dir, { command: "[sh, -c, 'echo \"pipes: $(env | grep -c _PIPE)\"; exec nc -l -p 9002 -e sh -c \"tr a-z A-Z\"']" })
    const input = (await tyger(dataDir, ["buffer", "create"])).stdout.trim()
    const output = (await tyger(dataDir, ["buffer", "create"])).stdout.trim()
    const created = await tyger(dataDir, ["run", "create", "-f", file, "-b", `input=${input}`, "-b", `output=${output}`])
    assert.equal(created.code, 0, created.stderr)
    const runId = created.stdout.trim()
    let logs = ""
    for (let i = 0; i < 200 && !logs.includes("pipes:"); i++) {
      logs = (await tyger(dataDir, ["run", "logs", runId])).stdout
      if (!logs.includes("pipes:")) await new Promise((resolve) => setTimeout(resolve, 100))
    }
    assert.match(logs, /pipes: 0/)
    const written = await tyger(dataDir, ["buffer", "write", input], "persisted bytes\n")
    assert.equal(written.code, 0, written.stderr)
    const read = await tyger(dataDir, ["buffer", "read", output])
    assert.equal(read.code, 0, read.stderr)
    assert.equal(read.stdout, "PERSISTED BYTES\n")
    const waited = await tyger(dataDir, ["run", "watch", runId])
    assert.equal(waited.code, 0, waited.stderr)
    assert.equal((await show(dataDir, runId)).status, "Succeeded")
  })

  test("ephemeral `_` buffers through run exec", async () => {
    const { dir, dataDir } = fresh()
    const exec = await tyger(dataDir, ["run", "exec", "-f", codespec(dir, { buffers: "    input: _\n    output: _" })], "ephemeral\n")
    assert.equal(exec.code, 0, exec.stderr)
    assert.equal(exec.stdout, "EPHEMERAL\n")
    assert.equal((await show(dataDir, "1")).status, "Succeeded")
  })

  test("the run succeeds once the connection ended, though the program still runs (it is then stopped)", async () => {
    const { dir, dataDir } = fresh()
    const command = "[sh, -c, 'nc -l -p 9002 -e sh -c \"tr a-z A-Z\"; sleep 1000']"
    const started = Date.now()
    const exec = await tyger(dataDir, ["run", "exec", "-f", codespec(dir, { command })], "still running\n")
    assert.equal(exec.code, 0, exec.stderr)
    assert.equal(exec.stdout, "STILL RUNNING\n")
    assert.ok(Date.now() - started < 60_000)
    assert.equal((await show(dataDir, "1")).status, "Succeeded")
  })

  test("a program that never listens and exits 1 fails the run at once", async () => {
    const { dir, dataDir } = fresh()
    const started = Date.now()
    const exec = await tyger(dataDir, ["run", "exec", "-f", codespec(dir, { command: "[sh, -c, 'sleep 1; exit 1']" })], "x\n")
    assert.notEqual(exec.code, 0)
    assert.ok(Date.now() - started < 60_000, "the run waited for the connection timeout")
    assert.equal((await show(dataDir, "1")).status, "Failed")
  })
})
