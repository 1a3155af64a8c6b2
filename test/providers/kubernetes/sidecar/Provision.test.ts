// `tyger buffer provision` (the `create-buffers` init container) and buffer sidecars on the container URLs it writes
// (no SAS: the account key comes from the environment), as host processes against Azurite standing in for a job pod's
// containers; "main" is a host process and "main is gone" a tombstone file.
import assert from "node:assert/strict"
import { spawn, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import { ContainerClient } from "@azure/storage-blob"
import { Effect } from "effect"
import * as AzureBlobStore from "../../../../engine/buffers/AzureBlobStore.ts"
import { BlobStore, type Container } from "../../../../engine/buffers/BlobStore.ts"
import * as BufferFormat from "../../../../engine/buffers/BufferFormat.ts"
import * as BufferGen from "../../../../engine/buffers/BufferGen.ts"
import * as BufferReader from "../../../../engine/buffers/BufferReader.ts"
import * as BufferWriter from "../../../../engine/buffers/BufferWriter.ts"
import { executionBufferId, runBufferId } from "../../../../providers/kubernetes/BufferIds.ts"
import { EXECUTION_URL_DIR, provisionArgs } from "../../../../providers/kubernetes/Contract.ts"
import { tyger } from "../../../cli/Harness.ts"
import { azuriteOrSkip, devAccountKey } from "../../../support/Azurite.ts"
import { tempDir } from "../../../support/Run.ts"

const repoRoot = fileURLToPath(new URL("../../../../", (import.meta as { readonly url: string }).url))
const tygerBin = path.join(repoRoot, "bin", "tyger")
const nodeBin = path.join(repoRoot, "node_modules", ".bin", "node")
const MiB = 1024 * 1024

interface Exited {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

// The environment of the processes: this one's without any Azure credentials it may happen to have, plus `env`.
const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AZURE_")))

/** A child process; `exited` resolves when it has ended, or kills it and rejects after `limitMs` (a hang is a failure). */
const start = (command: string, args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}, limitMs = 120_000) => {
  const child = spawn(command, args, { env: { ...baseEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const exited = new Promise<Exited>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`${args.slice(0, 3).join(" ")} did not end within ${limitMs} ms; stderr: ${stderr}`))
    }, limitMs)
    child.once("error", reject)
    child.once("close", (code) => (clearTimeout(timer), resolve({ code, stdout, stderr })))
  })
  return { exited }
}

const tygerProcess = (env: Readonly<Record<string, string>>, args: ReadonlyArray<string>, limitMs?: number) =>
  start(tygerBin, args, env, limitMs)

const mkfifo = (file: string) => {
  const made = spawnSync("mkfifo", ["-m", "0666", file])
  assert.equal(made.status, 0, String(made.stderr))
  return file
}

/** `main`: writes `text` into the FIFO (or not at all), then leaves its tombstone. */
const main = (fifo: string | undefined, text: string, tombstone: string) =>
  start(nodeBin, [
    "-e",
    "const fs = require('fs'); const [fifo, text, tomb] = process.argv.slice(1);" +
    " if (fifo !== '') fs.writeFileSync(fifo, text); fs.writeFileSync(tomb, '')",
    fifo ?? "",
    text,
    tombstone
  ])

const hashOf = (size: number): string => {
  const bytes = new Uint8Array(size)
  BufferGen.fill(bytes, 0, size, 0)
  return createHash("sha256").update(bytes).digest("hex")
}

const run = <A>(effect: Effect.Effect<A, unknown>): Promise<A> => Effect.runPromise(effect)

/** The buffer's bytes and its `.bufferend` status. */
const readBack = async (container: Container) => {
  const chunks: Array<Uint8Array> = []
  await run(BufferReader.read(container, {
    write: (chunk) => Promise.resolve(void chunks.push(Uint8Array.from(chunk))),
    close: () => Promise.resolve()
  }))
  const end = await run(container.getBlob(BufferFormat.END_BLOB))
  return { data: Buffer.concat(chunks).toString("utf8"), end: BufferFormat.parseEndStatus(end.body) }
}

const azurite = await azuriteOrSkip()
const skip = "skip" in azurite ? azurite.skip : false
const connectionString = "skip" in azurite ? "" : azurite.connectionString
const endpoint = "skip" in azurite ? "http://127.0.0.1:1/devstoreaccount1" : azurite.blobEndpoint
const store = () =>
  run(Effect.provide(Effect.gen(function*() {
    return yield* BlobStore
  }), AzureBlobStore.layer({ connectionString, location: "local" })))
const metadataOf = async (id: string) => (await new ContainerClient(connectionString, id).getProperties()).metadata ?? {}

/** A pod's helper containers' environment: the account key (the account is read from the endpoint's path). */
const keyEnv = () => ({ TYGER_TS_DATA_DIR: path.join(tempDir("tyger-provision-data-"), "data"), AZURE_STORAGE_KEY: devAccountKey })

let counter = 0
const uniqueRun = () => `run${Date.now().toString(36)}${(counter++).toString(36)}`

describe("tyger buffer provision and sidecars on container URLs (Azurite, account key from the environment)", { skip }, () => {
  test("two executions of a scheduled run: each its own buffer, id from its Job, written by its sidecar", async () => {
    const env = keyEnv()
    const namespace = `ns${uniqueRun()}`
    const executions = await Promise.all(["nightly-29000000", "nightly-29001440"].map(async (job, i) => {
      const dir = tempDir("tyger-provision-exec-")
      const urlDir = path.join(dir, "urls")
      const args = provisionArgs({ endpoint, run: "nightly", execution: { job, namespace, parameters: ["output"] }, fixed: [] })
        .map((arg) => (arg === EXECUTION_URL_DIR ? urlDir : arg))
      const provisioned = await tygerProcess(env, args).exited
      assert.equal(provisioned.code, 0, provisioned.stderr)
      const id = executionBufferId(namespace, job, "output")
      assert.equal(provisioned.stdout, `output ${id}\n`)
      assert.equal(fs.readFileSync(path.join(urlDir, "output"), "utf8"), `${endpoint}/${id}\n`)
      const fifo = mkfifo(path.join(dir, "output"))
      const tombstone = path.join(dir, "tombstone.txt")
      const sidecar = tygerProcess(env, ["buffer", "sidecar", "output", "--url-file", path.join(urlDir, "output"), "--pipe", fifo, "--tombstone", tombstone])
      const [exited, mainExited] = await Promise.all([sidecar.exited, main(fifo, `hello execution ${i}`, tombstone).exited])
      assert.equal(mainExited.code, 0, mainExited.stderr)
      assert.equal(exited.code, 0, exited.stderr)
      return { job, id }
    }))
    const blobs = await store()
    assert.notEqual(executions[0]!.id, executions[1]!.id)
    for (const [i, { job, id }] of executions.entries()) {
      assert.deepEqual(await readBack(await run(blobs.container(id, "read"))), { data: `hello execution ${i}`, end: "complete" })
      assert.deepEqual(await metadataOf(id), { run: "nightly", parameter: "output", execution: job })
    }
  })

  test("provision is idempotent, and fixed ids (PARAM=ID) are created as given", async () => {
    const env = keyEnv()
    const id = runBufferId("ns", uniqueRun(), "result")
    const urlDir = path.join(tempDir("tyger-provision-twice-"), "urls")
    const args = ["buffer", "provision", "--endpoint", `${endpoint}/`, "--tag", "run=once", "--tag", "team_2=a b",
      "--execution", "job-1", "--namespace", "ns", "--url-dir", urlDir, `result=${id}`, "log"]
    const first = await tyger({ dataDir: env.TYGER_TS_DATA_DIR, env }, ...args)
    assert.equal(first.code, 0, first.stderr)
    const second = await tyger({ dataDir: env.TYGER_TS_DATA_DIR, env }, ...args)
    assert.equal(second.code, 0, second.stderr)
    const log = executionBufferId("ns", "job-1", "log")
    assert.equal(first.stdout, `result ${id}\nlog ${log}\n`)
    assert.equal(second.stdout, first.stdout)
    assert.match(first.stderr, new RegExp(`Created buffer ${id} for parameter result`))
    assert.match(second.stderr, new RegExp(`Found buffer ${id} for parameter result`))
    // Only execution buffers get a URL file (a fixed id's URL is the run's Secret's).
    assert.deepEqual(fs.readdirSync(urlDir), ["log"])
    assert.deepEqual(await metadataOf(id), { run: "once", team_2: "a b", parameter: "result" })
    assert.deepEqual(await metadataOf(log), { run: "once", team_2: "a b", parameter: "log", execution: "job-1" })
  })

  test("main gone without opening its pipe: the output sidecar soon writes an empty, complete buffer", async () => {
    const env = keyEnv()
    const dir = tempDir("tyger-provision-tomb-")
    const job = `job-${uniqueRun()}`
    const provisioned = await tygerProcess(env, ["buffer", "provision", "--endpoint", endpoint, "--tag", "run=r",
      "--execution", job, "--namespace", "ns", "--url-dir", dir, "output"]).exited
    assert.equal(provisioned.code, 0, provisioned.stderr)
    const tombstone = path.join(dir, "tombstone.txt")
    fs.writeFileSync(tombstone, "")
    const exited = await tygerProcess(env, ["buffer", "sidecar", "output", "--url-file", path.join(dir, "output"),
      "--pipe", mkfifo(path.join(dir, "pipe")), "--tombstone", tombstone], 90_000).exited
    assert.equal(exited.code, 0, exited.stderr)
    const container = await run((await store()).container(executionBufferId("ns", job, "output"), "read"))
    assert.deepEqual(await readBack(container), { data: "", end: "complete" })
  })

  test("input and output sidecars use a container URL without a SAS with the account key from the environment", async () => {
    const env = keyEnv()
    const blobs = await store()
    const [source, target] = [`src${uniqueRun()}`, `dst${uniqueRun()}`]
    await run(blobs.createContainer(source))
    await run(blobs.createContainer(target))
    await run(BufferWriter.write(await run(blobs.container(source, "write")), BufferGen.source(MiB)))
    const dir = tempDir("tyger-provision-identity-")
    const urlFile = (id: string) => (fs.writeFileSync(path.join(dir, id), `${endpoint}/${id}\n`), path.join(dir, id))

    const inPipe = mkfifo(path.join(dir, "in"))
    const consumer = start(nodeBin, ["-e",
      "const h = require('crypto').createHash('sha256'); require('fs').createReadStream(process.argv[1])" +
      ".on('data', (d) => h.update(d)).on('end', () => process.stdout.write(h.digest('hex')))", inPipe])
    const input = tygerProcess(env, ["buffer", "sidecar", "input", "--url-file", urlFile(source), "--pipe", inPipe])
    const [inputExit, consumed] = await Promise.all([input.exited, consumer.exited])
    assert.equal(inputExit.code, 0, inputExit.stderr)
    assert.equal(consumed.stdout, hashOf(MiB))

    const outPipe = mkfifo(path.join(dir, "out"))
    const tombstone = path.join(dir, "tombstone.txt")
    const output = tygerProcess(env, ["buffer", "sidecar", "output", "--url-file", urlFile(target), "--pipe", outPipe, "--tombstone", tombstone])
    const [outputExit] = await Promise.all([output.exited, main(outPipe, "written with the account key", tombstone).exited])
    assert.equal(outputExit.code, 0, outputExit.stderr)
    assert.deepEqual(await readBack(await run(blobs.container(target, "read"))), { data: "written with the account key", end: "complete" })
  })
})

describe("sidecars and provision that cannot go on", () => {
  test("credentials the account refuses fail at once (no new URL can cure them)", { skip }, async () => {
    const dir = tempDir("tyger-provision-badkey-")
    const id = `bad${uniqueRun()}`
    await run((await store()).createContainer(id))
    const file = path.join(dir, "url")
    fs.writeFileSync(file, `${endpoint}/${id}\n`)
    const env = { TYGER_TS_DATA_DIR: path.join(dir, "data"), AZURE_STORAGE_KEY: Buffer.alloc(64, 7).toString("base64") }
    // No main: the writer is refused at its first request, before anything is read from the pipe.
    const exited = await tygerProcess(env, ["buffer", "sidecar", "output", "--url-file", file, "--pipe", mkfifo(path.join(dir, "out"))], 90_000).exited
    assert.equal(exited.code, 1, exited.stderr)
    assert.match(exited.stderr, /FTL .*the storage account refused the credentials from the environment/)
    assert.doesNotMatch(exited.stderr, /waiting for a new one/)
  })


  test("a container URL without a SAS and no credentials in the environment: a clear error naming both options", async () => {
    const dir = tempDir("tyger-provision-nocreds-")
    const file = path.join(dir, "url")
    fs.writeFileSync(file, "https://acct.blob.core.windows.net/abcdefghijklmnopqrstuvwxyz\n")
    const env = { TYGER_TS_DATA_DIR: path.join(dir, "data") }
    const exited = await tygerProcess(env, ["buffer", "sidecar", "output", "--url-file", file, "--pipe", mkfifo(path.join(dir, "out"))], 90_000).exited
    assert.equal(exited.code, 1, exited.stderr)
    assert.match(exited.stderr, /FTL Unable to access buffer error=.*no SAS signature.*AZURE_STORAGE_KEY.*workload identity.*AZURE_FEDERATED_TOKEN_FILE/)
    const provision = await tyger({ dataDir: env.TYGER_TS_DATA_DIR, env }, "buffer", "provision", "--endpoint",
      "https://acct.blob.core.windows.net", "--tag", "run=r", "out=abcdefghijklmnopqrstuvwxyz")
    assert.equal(provision.code, 1)
    assert.match(provision.stderr, /^Error: there are no storage credentials in the environment: set AZURE_STORAGE_KEY .*workload identity/)
  })

  test("an output sidecar whose URL is still a placeholder when main is gone fails soon: the output is lost", async () => {
    const dir = tempDir("tyger-provision-unbound-")
    const file = path.join(dir, "url")
    fs.writeFileSync(file, "tyger-ts:unbound:create")
    const tombstone = path.join(dir, "tombstone.txt")
    fs.writeFileSync(tombstone, "")
    const exited = await tygerProcess({ TYGER_TS_DATA_DIR: path.join(dir, "data") }, ["buffer", "sidecar", "output",
      "--url-file", file, "--pipe", mkfifo(path.join(dir, "out")), "--tombstone", tombstone], 90_000).exited
    assert.equal(exited.code, 1, exited.stderr)
    assert.match(exited.stderr, /FTL main exited before the buffer's access URL was known error=".*still holds 'tyger-ts:unbound:create'/)
  })

  test("argument errors exit 1 with one Error: line", async () => {
    const dataDir = path.join(tempDir("tyger-provision-args-"), "data")
    const env = { AZURE_STORAGE_KEY: devAccountKey }
    const error = async (...args: ReadonlyArray<string>) => {
      const result = await tyger({ dataDir, env }, "buffer", "provision", ...args)
      assert.equal(result.code, 1, result.stderr)
      assert.equal(result.stdout, "")
      return result.stderr
    }
    const good = ["--endpoint", endpoint, "--tag", "run=r"]
    assert.match(await error("--endpoint", endpoint, "--tag", "Run=r", "x=abcdefghijklmnopqrstuvwxyz"),
      /^Error: invalid --tag 'Run=r': a tag key becomes container metadata, whose names must match \[a-z_\]\[a-z0-9_\]\*/)
    assert.match(await error("--endpoint", endpoint, "--tag", "my-tag=r", "x"), /^Error: invalid --tag 'my-tag=r'/)
    assert.match(await error("--endpoint", endpoint, "--tag", "parameter=p", "x"), /'parameter' is set by provision itself/)
    assert.equal(await error(...good, "output"),
      "Error: buffer 'output' has no id: an execution's buffer (PARAM without =ID) needs --execution, --namespace and --url-dir\n")
    assert.equal(await error(...good, "--execution", "j", "output"),
      "Error: if any flags in the group [execution namespace url-dir] are set they must all be set; missing [namespace url-dir]\n")
    assert.equal(await error("--tag", "run=r", "x"), 'Error: required flag(s) "endpoint" not set\n')
    assert.equal(await error(...good), "Error: requires at least 1 arg(s), only received 0\n")
    assert.match(await error(...good, "x=Not_An_Id"), /^Error: invalid buffer 'x=Not_An_Id': 'Not_An_Id' is not a valid buffer id/)
    assert.match(await error(...good, "../x=abcdefghijklmnopqrstuvwxyz"), /is not a buffer parameter name/)
  })
})
