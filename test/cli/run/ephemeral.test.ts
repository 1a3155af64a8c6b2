// Ephemeral buffers (`_`) on Docker, as Tyger's ephemeral-buffers guide uses them: `run exec` streams stdin to the
// program's pipe and its pipe to stdout with nothing stored; a run created with `_` buffers is written and read once
// through `buffer access` URLs while it is active, and refused as Tyger refuses afterwards (issue 15).
import assert from "node:assert/strict"
import { spawn } from "node:child_process"
import * as Fs from "node:fs"
import * as Path from "node:path"
import process from "node:process"
import { after, describe, test } from "node:test"
import { collect, killHard, root, tygerArgv } from "../../support/Cli.ts"
import { dockerOrSkip, testImage } from "../../support/Docker.ts"
import { tempDir } from "../../support/Run.ts"

const skip = await dockerOrSkip()

const dirs: Array<string> = []
after(() => dirs.forEach((d) => Fs.rmSync(d, { recursive: true, force: true })))

const start = (dataDir: string, args: ReadonlyArray<string>, stdin: "ignore" | "pipe" = "ignore") => {
  const [exe, ...argv] = tygerArgv("main.ts")
  return spawn(exe!, [...argv, ...args], {
    cwd: root,
    env: { ...process.env, TYGER_TS_DATA_DIR: dataDir, NO_COLOR: "1" },
    stdio: [stdin, "pipe", "pipe"]
  })
}

const tyger = (dataDir: string, args: ReadonlyArray<string>, input?: string) => {
  const child = start(dataDir, args, input === undefined ? "ignore" : "pipe")
  if (input !== undefined) child.stdin!.end(input)
  return collect(child)
}

const hello = (dir: string, buffers: string) => {
  const file = Path.join(dir, "hello.yml")
  Fs.writeFileSync(file, [
    "job:",
    "  codespec:",
    `    image: ${testImage}`,
    "    buffers: { inputs: [input], outputs: [output] }",
    "    command: [sh, -c, 'read name < \"$INPUT_PIPE\"; echo \"Hello: $name\" > \"$OUTPUT_PIPE\"']",
    ...(buffers === "" ? [] : ["  buffers:", buffers]),
    ""
  ].join("\n"))
  return file
}

const fresh = () => {
  const dir = tempDir("tyger-ephemeral-")
  dirs.push(dir)
  return { dir, dataDir: Path.join(dir, "data") }
}

describe("ephemeral buffers on Docker", { skip }, () => {
  test("the guide's `echo Paul | tyger run exec -f hello.yml`, with `_` in the file and with -b flags; nothing is stored", async () => {
    const { dir, dataDir } = fresh()
    const inFile = await tyger(dataDir, ["run", "exec", "-f", hello(dir, "    input: _\n    output: _")], "Paul\n")
    assert.equal(inFile.code, 0, inFile.stderr)
    assert.equal(inFile.stdout, "Hello: Paul\n")
    const withFlags = await tyger(dataDir, ["run", "exec", "-f", hello(dir, ""), "-b", "input=_", "-b", "output=_"], "Paul\n")
    assert.equal(withFlags.code, 0, withFlags.stderr)
    assert.equal(withFlags.stdout, "Hello: Paul\n")
    // Never listed as buffers, never stored: the run's buffers are Tyger's run-<id>-temp-<uid> ids.
    assert.equal((await tyger(dataDir, ["buffer", "list"])).stdout.trim(), "[]")
    const shown = JSON.parse((await tyger(dataDir, ["run", "show", "2"])).stdout) as { job: { buffers: Record<string, string> } }
    assert.match(shown.job.buffers["input"]!, /^run-2-temp-[a-z2-7]{26}$/)
    assert.match(shown.job.buffers["output"]!, /^run-2-temp-[a-z2-7]{26}$/)
    const buffersDir = Path.join(dataDir, "buffers")
    const stored = Fs.existsSync(buffersDir) ? Fs.readdirSync(buffersDir).filter((name) => !name.startsWith(".")) : []
    assert.deepEqual(stored, [])
  })

  test("run create with `_` buffers: written and read once through `buffer access` URLs; a second reader and later callers get Tyger's errors", async () => {
    const { dir, dataDir } = fresh()
    const created = await tyger(dataDir, ["run", "create", "-f", hello(dir, "    input: _\n    output: _")])
    assert.equal(created.code, 0, created.stderr)
    const runId = created.stdout.trim()
    const { job } = JSON.parse((await tyger(dataDir, ["run", "show", runId])).stdout) as { job: { buffers: Record<string, string> } }
    const inUrl = (await tyger(dataDir, ["buffer", "access", job.buffers["input"]!, "-w"])).stdout.trim()
    const outUrl = (await tyger(dataDir, ["buffer", "access", job.buffers["output"]!])).stdout.trim()
    assert.match(inUrl, /^http\+unix:\/\/.+:\?.*sp=cr.*&relay=true$/)

    // Two readers at once: whichever the relay takes first gets the output, the other Tyger's error.
    const readers = [collect(start(dataDir, ["buffer", "read", outUrl])), collect(start(dataDir, ["buffer", "read", outUrl]))]
    // Writing the output is the wrong direction (Tyger's text, swapped as its client has it).
    const wrong = await tyger(dataDir, ["buffer", "write", outUrl], "x")
    assert.equal(wrong.code, 1)
    assert.match(wrong.stderr, /the buffer is an output buffer and cannot be read from/)

    const written = await tyger(dataDir, ["buffer", "write", inUrl], "George\n")
    assert.equal(written.code, 0, written.stderr)
    const [first, second] = [...(await Promise.all(readers))].sort((a, b) => (a.code ?? 9) - (b.code ?? 9))
    assert.equal(first!.code, 0, first!.stderr)
    assert.equal(first!.stdout, "Hello: George\n")
    assert.equal(second!.code, 1)
    assert.match(second!.stderr, /FTL Failed to read buffer error="error reading from relay: the buffer endpoint can only be called once"/)

    const shown = await waitForStatus(dataDir, runId, "Succeeded")
    assert.equal(shown, "Succeeded")
    // Once the run has ended the relay is gone: no access URL, and old URLs name the missing relay.
    const access = await tyger(dataDir, ["buffer", "access", job.buffers["output"]!])
    assert.equal(access.code, 1)
    assert.match(access.stderr, /NotFound/)
    const late = await tyger(dataDir, ["buffer", "read", outUrl])
    assert.equal(late.code, 1)
    assert.match(late.stderr, /buffer relay server does not exist/)
  })

  test("a relay writer killed mid-stream fails the run: the program never sees a clean end of its input", async () => {
    const { dir, dataDir } = fresh()
    const file = Path.join(dir, "count.yml")
    Fs.writeFileSync(file, [
      "job:",
      "  codespec:",
      `    image: ${testImage}`,
      "    buffers: { inputs: [input] }",
      "    command: [sh, -c, 'wc -c < \"$INPUT_PIPE\"']",
      "  buffers: { input: _ }",
      ""
    ].join("\n"))
    const runId = (await tyger(dataDir, ["run", "create", "-f", file])).stdout.trim()
    const { job } = JSON.parse((await tyger(dataDir, ["run", "show", runId])).stdout) as { job: { buffers: Record<string, string> } }
    const inUrl = (await tyger(dataDir, ["buffer", "access", job.buffers["input"]!, "-w"])).stdout.trim()
    const writer = start(dataDir, ["buffer", "write", inUrl], "pipe")
    const exited = collect(writer)
    writer.stdin!.write("partial\n")
    await waitForStatus(dataDir, runId, "Running")
    await new Promise((resolve) => setTimeout(resolve, 500))
    killHard(writer)
    await exited
    assert.equal(await waitForStatus(dataDir, runId, "Failed"), "Failed")
  })
})

/** Polls `run show` until the run reaches `status` or a final status; returns the status it reached. */
const waitForStatus = async (dataDir: string, runId: string, status: string): Promise<string> => {
  const final = new Set(["Succeeded", "Failed", "Canceled"])
  for (let i = 0; i < 240; i++) {
    const shown = JSON.parse((await tyger(dataDir, ["run", "show", runId])).stdout) as { status: string }
    if (shown.status === status || final.has(shown.status)) return shown.status
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`run ${runId} never reached ${status}`)
}
