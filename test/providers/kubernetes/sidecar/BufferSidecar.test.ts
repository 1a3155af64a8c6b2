// `tyger buffer sidecar input|output|socket` as host processes (bin/tyger, always on the pinned Node, as in the image)
// between real FIFOs and buffers, on the local backend (file:// URLs) and on Azurite (SAS URLs); the Dockerfile's
// references. No cluster here: "main is gone" is a tombstone file, or a fake API server answering the pod GET.
import assert from "node:assert/strict"
import { spawn, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import * as fs from "node:fs"
import * as https from "node:https"
import * as net from "node:net"
import * as path from "node:path"
import { describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import * as AzureBlobStore from "../../../../engine/buffers/AzureBlobStore.ts"
import { BlobStore, BlobStoreError, type Container } from "../../../../engine/buffers/BlobStore.ts"
import * as BufferFormat from "../../../../engine/buffers/BufferFormat.ts"
import * as BufferGen from "../../../../engine/buffers/BufferGen.ts"
import * as BufferReader from "../../../../engine/buffers/BufferReader.ts"
import * as BufferWriter from "../../../../engine/buffers/BufferWriter.ts"
import * as LocalBlobStore from "../../../../engine/buffers/LocalBlobStore.ts"
import { refreshing } from "../../../../providers/kubernetes/sidecar/AccessUrl.ts"
import { containerTerminated } from "../../../../providers/kubernetes/sidecar/MainWatch.ts"
import { parseImports } from "../../../support/Imports.ts"
import { tyger } from "../../../cli/Harness.ts"
import { azuriteOrSkip } from "../../../support/Azurite.ts"
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

/** A child process and its end; its output is collected as text. */
const start = (command: string, args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) => {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const exited = new Promise<Exited>((resolve, reject) => {
    child.once("error", reject)
    child.once("close", (code) => resolve({ code, stdout, stderr }))
  })
  /** Resolves once the process has written text matching `pattern` to stderr (bounded; a slow machine is no failure). */
  const stderrMatches = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs
      const check = () => {
        if (pattern.test(stderr)) resolve()
        else if (Date.now() > deadline) reject(new Error(`no ${pattern} on stderr within ${timeoutMs} ms: ${stderr}`))
        else setTimeout(check, 50)
      }
      check()
    })
  return { child, exited, stderrMatches }
}

const sidecar = (env: Readonly<Record<string, string>>, ...args: ReadonlyArray<string>) =>
  start(tygerBin, ["buffer", "sidecar", ...args], env)

/** A separate process hashing everything it reads from `file` (a FIFO): the program `main` stands for. */
const hashReader = (file: string) =>
  start(nodeBin, [
    "-e",
    "const h = require('crypto').createHash('sha256'); require('fs').createReadStream(process.argv[1])" +
    ".on('data', (d) => h.update(d)).on('end', () => process.stdout.write(h.digest('hex')))",
    file
  ])

const expectedHash = (size: number): string => {
  const hash = createHash("sha256")
  const chunk = new Uint8Array(4 * MiB)
  for (let done = 0; done < size; done += chunk.length) {
    const n = Math.min(chunk.length, size - done)
    BufferGen.fill(chunk, 0, n, done)
    hash.update(chunk.subarray(0, n))
  }
  return hash.digest("hex")
}

const run = <A>(effect: Effect.Effect<A, unknown>): Promise<A> => Effect.runPromise(effect)

/** The buffer's bytes, hashed, and its `.bufferend` status. */
const readBack = async (container: Container) => {
  const hash = createHash("sha256")
  let size = 0
  await run(BufferReader.read(container, {
    write: (chunk) => Promise.resolve(void (hash.update(chunk), size += chunk.length)),
    close: () => Promise.resolve()
  }))
  const end = await run(container.getBlob(BufferFormat.END_BLOB))
  return { hash: hash.digest("hex"), size, end: BufferFormat.parseEndStatus(end.body) }
}

/** Replaces the file's content in one step, as kubelet swaps a Secret volume's files. */
const replaceFile = (file: string, content: string) => {
  fs.writeFileSync(`${file}.new`, content)
  fs.renameSync(`${file}.new`, file)
}

const mkfifo = (file: string) => {
  const made = spawnSync("mkfifo", ["-m", "0666", file])
  assert.equal(made.status, 0, String(made.stderr))
  return file
}

interface Backend {
  readonly name: string
  readonly skip: string | false
  readonly store: () => Promise<BlobStore["Service"]>
  /** What the sidecar needs to verify URLs (the local backend's key lives in its data directory). */
  readonly env: Readonly<Record<string, string>>
}

const localDir = path.join(tempDir("tyger-sidecar-local-"), "data")
const azurite = await azuriteOrSkip()
const backends: ReadonlyArray<Backend> = [
  {
    name: "local backend, file:// URLs",
    skip: false,
    store: () => Promise.resolve(LocalBlobStore.make({ dataDir: localDir })),
    env: { TYGER_TS_DATA_DIR: localDir }
  },
  {
    name: "Azurite, SAS URLs",
    skip: "skip" in azurite ? azurite.skip : false,
    store: () =>
      run(Effect.provide(Effect.gen(function*() {
        return yield* BlobStore
      }), AzureBlobStore.layer({ connectionString: "skip" in azurite ? "" : azurite.connectionString, location: "local" }))),
    env: { TYGER_TS_DATA_DIR: path.join(tempDir("tyger-sidecar-azure-"), "data") }
  }
]

let counter = 0
const newBuffer = async (store: BlobStore["Service"]) => {
  const id = `sidecar${Date.now().toString(36)}${(counter++).toString(36)}`
  await run(store.createContainer(id))
  const urlFile = (access: "read" | "write") => {
    const file = path.join(tempDir("tyger-sidecar-url-"), "url")
    return run(store.accessUrl(id, access, 3600)).then((url) => (fs.writeFileSync(file, `${url}\n`), { file, url }))
  }
  return { id, container: await run(store.container(id, "read")), writable: await run(store.container(id, "write")), urlFile }
}

for (const backend of backends) {
  describe(`tyger buffer sidecar (${backend.name})`, { skip: backend.skip }, () => {
    test("copies a 100 MiB buffer through a FIFO and back with equal hashes", async () => {
      const size = 100 * MiB
      const store = await backend.store()
      const source = await newBuffer(store)
      await run(BufferWriter.write(source.writable, BufferGen.source(size)))
      const dir = tempDir("tyger-sidecar-fifo-")

      // input: buffer → FIFO → a consumer process.
      const inPipe = mkfifo(path.join(dir, "in"))
      const consumer = hashReader(inPipe)
      const input = sidecar(backend.env, "input", "--url-file", (await source.urlFile("read")).file, "--pipe", inPipe)
      const [inputExit, consumed] = await Promise.all([input.exited, consumer.exited])
      assert.equal(inputExit.code, 0, inputExit.stderr)

      // output: a producer process → FIFO → a new buffer.
      const target = await newBuffer(store)
      const outPipe = mkfifo(path.join(dir, "out"))
      const producer = start(tygerBin, ["buffer", "gen", "100M", "-o", outPipe], backend.env)
      const output = sidecar(backend.env, "output", "--url-file", (await target.urlFile("write")).file, "--pipe", outPipe)
      const [outputExit, produced] = await Promise.all([output.exited, producer.exited])
      assert.equal(produced.code, 0, produced.stderr)
      assert.equal(outputExit.code, 0, outputExit.stderr)

      const back = await readBack(target.container)
      const expected = expectedHash(size)
      assert.deepEqual([consumed.stdout, back.hash, back.size, back.end], [expected, expected, size, "complete"])
    })

    test("main gone before the FIFO opens: output writes an empty complete buffer, input exits quietly", async () => {
      const store = await backend.store()
      const dir = tempDir("tyger-sidecar-tomb-")
      const tombstone = path.join(dir, "tombstone.txt")
      const target = await newBuffer(store)
      const output = sidecar(backend.env, "output", "--url-file", (await target.urlFile("write")).file, "--pipe",
        mkfifo(path.join(dir, "out")), "--tombstone", tombstone)
      const source = await newBuffer(store)
      await run(BufferWriter.write(source.writable, BufferGen.source(MiB)))
      const input = sidecar(backend.env, "input", "--url-file", (await source.urlFile("read")).file, "--pipe",
        mkfifo(path.join(dir, "in")), "--tombstone", tombstone)
      await new Promise((resolve) => setTimeout(resolve, 1000))
      fs.writeFileSync(tombstone, "")
      const [outputExit, inputExit] = await Promise.all([output.exited, input.exited])
      assert.equal(outputExit.code, 0, outputExit.stderr)
      assert.deepEqual(await readBack(target.container), { hash: expectedHash(0), size: 0, end: "complete" })
      assert.equal(inputExit.code, 0, inputExit.stderr)
      assert.match(inputExit.stderr, /WRN OpenFile operation canceled\. Exiting\.\n$/)
    })

    test("waits while the URL file holds a placeholder or a refused URL, then uses the URL it gets", async () => {
      const store = await backend.store()
      const dir = tempDir("tyger-sidecar-unbound-")
      const target = await newBuffer(store)
      const { file, url } = await target.urlFile("write")
      fs.writeFileSync(file, "tyger-ts:unbound:create")
      const pipe = mkfifo(path.join(dir, "out"))
      const output = sidecar(backend.env, "output", "--url-file", file, "--pipe", pipe)
      const producer = start(nodeBin, ["-e", "require('fs').writeFileSync(process.argv[1], 'Hello\\n')", pipe])
      await output.stderrMatches(/INF Waiting for the access URL: .* holds 'tyger-ts:unbound:create'\n/)
      // A forged signature: refused by the backend, so the sidecar waits for the file to change again.
      const forged = new URL(url)
      forged.searchParams.set("sig", Buffer.alloc(32, 7).toString("base64"))
      replaceFile(file, forged.href)
      await output.stderrMatches(/WRN The access URL in .* was refused .*; waiting for a new one\n/)
      replaceFile(file, url)
      const [exited] = await Promise.all([output.exited, producer.exited])
      assert.equal(exited.code, 0, exited.stderr)
      assert.match(exited.stderr, /INF Waiting for the access URL: .* holds 'tyger-ts:unbound:create'\n/)
      assert.match(exited.stderr, /WRN The access URL in .* was refused .*; waiting for a new one\n/)
      const back = await readBack(target.container)
      assert.deepEqual([back.size, back.end], [6, "complete"])
    })
  })
}

describe("tyger buffer sidecar, other cases", () => {
  test("argument errors", async () => {
    const dataDir = path.join(tempDir("tyger-sidecar-args-"), "data")
    const errors = async (...args: ReadonlyArray<string>) => {
      const result = await tyger({ dataDir }, "buffer", "sidecar", ...args)
      assert.equal(result.code, 1)
      return result.stderr
    }
    assert.equal(await errors(), "Error: expected one of input, output, socket, got []\n")
    assert.equal(await errors("input", "--url-file", "f"), 'Error: required flag(s) "pipe" not set\n')
    assert.equal(
      await errors("output", "--url-file", "f", "--pipe", "p", "--namespace", "ns", "--pod", "p"),
      "Error: if any flags in the group [namespace pod container] are set they must all be set; missing [container]\n"
    )
    assert.equal(await errors("socket"), 'Error: required flag(s) "address" not set\n')
    assert.match(
      await errors("output", "--url-file", path.join(dataDir, "missing"), "--pipe", "p"),
      /FTL Unable to access buffer error="unable to read URL string from file .*missing: ENOENT/
    )
  })

  test("a refused URL is replaced once for all operations refused together", async () => {
    const file = path.join(tempDir("tyger-sidecar-refresh-"), "url")
    fs.writeFileSync(file, "file:///one")
    const opened: Array<string> = []
    const refused = new BlobStoreError({ reason: "AuthenticationFailed", message: "expired" })
    const fake = (url: string): Container => ({
      id: "c",
      write: false,
      putBlob: () => Effect.fail(refused),
      headBlob: () => Effect.fail(refused),
      getBlob: () => url.endsWith("two") ? Effect.succeed({ body: new Uint8Array(0), contentMd5: "", metadata: {}, size: 0 }) : Effect.fail(refused)
    })
    const container = await run(refreshing(file, (url) => Effect.sync(() => (opened.push(url), fake(url)))))
    setTimeout(() => replaceFile(file, "file:///two"), 500)
    const sizes = await run(Effect.all([1, 2, 3].map(() => container.getBlob("x")), { concurrency: "unbounded" }))
    assert.deepEqual(sizes.map((blob) => blob.size), [0, 0, 0])
    assert.deepEqual(opened, ["file:///one", "file:///two"])
  })

  test("a pod whose main container terminated (from a fake API server) ends the wait for the FIFO", async (t) => {
    const dir = tempDir("tyger-sidecar-k8s-")
    const made = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
      "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
      "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "ca.crt")])
    if (made.status !== 0) return t.skip(`openssl cannot make a test certificate: ${made.error?.message ?? made.stderr}`)
    fs.writeFileSync(path.join(dir, "token"), "test-token\n")
    const requests: Array<string> = []
    const server = https.createServer({ key: fs.readFileSync(path.join(dir, "key.pem")), cert: fs.readFileSync(path.join(dir, "ca.crt")) }, (request, response) => {
      requests.push(`${request.headers.authorization} ${request.url}`)
      const state = requests.length < 2 ? { running: {} } : { terminated: { exitCode: 0 } }
      response.setHeader("content-type", "application/json")
      response.end(JSON.stringify({ status: { phase: "Running", containerStatuses: [{ name: "main", state }] } }))
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    try {
      const store = LocalBlobStore.make({ dataDir: localDir })
      const target = await newBuffer(store)
      const output = sidecar({
        TYGER_TS_DATA_DIR: localDir,
        KUBERNETES_SERVICE_HOST: "127.0.0.1",
        KUBERNETES_SERVICE_PORT: String((server.address() as net.AddressInfo).port),
        TYGER_TS_SERVICE_ACCOUNT_DIR: dir
      }, "output", "--url-file", (await target.urlFile("write")).file, "--pipe", mkfifo(path.join(dir, "out")),
        "--namespace", "ns", "--pod", "run-1-job-abcde", "--container", "main")
      const exited = await output.exited
      assert.equal(exited.code, 0, exited.stderr)
      assert.match(exited.stderr, /INF Target container completed\.\n/)
      assert.deepEqual(requests.slice(0, 2), Array(2).fill("Bearer test-token /api/v1/namespaces/ns/pods/run-1-job-abcde"))
      assert.deepEqual(await readBack(target.container), { hash: expectedHash(0), size: 0, end: "complete" })
    } finally {
      server.close()
    }
  })

  test("containerTerminated reads container and init container statuses", () => {
    const pod = (list: "containerStatuses" | "initContainerStatuses", state: object) => ({ status: { [list]: [{ name: "main", state }] } })
    assert.equal(containerTerminated(pod("containerStatuses", { running: {} }), "main"), false)
    assert.equal(containerTerminated(pod("containerStatuses", { terminated: {} }), "main"), true)
    assert.equal(containerTerminated(pod("initContainerStatuses", { terminated: {} }), "main"), true)
    assert.equal(containerTerminated(pod("containerStatuses", { terminated: {} }), "other"), false)
    assert.equal(containerTerminated({ status: { phase: "Failed" } }, "main"), true)
  })

  test("socket: dials main's port until it listens, pumps the input FIFO in and the answer out", async () => {
    const dir = tempDir("tyger-sidecar-socket-")
    const inPipe = mkfifo(path.join(dir, "in"))
    const outPipe = mkfifo(path.join(dir, "out"))
    const probe = net.createServer()
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve))
    const port = (probe.address() as net.AddressInfo).port
    await new Promise((resolve) => probe.close(resolve))
    const adapter = sidecar({ TYGER_TS_DATA_DIR: localDir }, "socket", "--address", `127.0.0.1:${port}`, "--input", inPipe, "--output", outPipe)
    const writer = start(nodeBin, ["-e", "require('fs').writeFileSync(process.argv[1], 'hello sockets')", inPipe])
    const reader = start(nodeBin, ["-e", "process.stdout.write(require('fs').readFileSync(process.argv[1]))", outPipe])
    // main starts listening only after the sidecar has been refused once; it answers once its input has ended.
    await adapter.stderrMatches(/WRN Failed to connect to address .*Retrying in 1 second/)
    const main = net.createServer({ allowHalfOpen: true }, (socket) => {
      let received = ""
      socket.setEncoding("utf8").on("data", (chunk: string) => (received += chunk))
      socket.on("end", () => socket.end(received.toUpperCase()))
    })
    await new Promise<void>((resolve) => main.listen(port, "127.0.0.1", resolve))
    try {
      const [exited, , answer] = await Promise.all([adapter.exited, writer.exited, reader.exited])
      assert.equal(exited.code, 0, exited.stderr)
      assert.match(exited.stderr, /WRN Failed to connect to address .*Retrying in 1 second/)
      assert.equal(answer.stdout, "HELLO SOCKETS")
    } finally {
      main.close()
    }
  })
})

describe("Dockerfile", () => {
  const dockerfile = fs.readFileSync(path.join(repoRoot, "Dockerfile"), "utf8")

  test("copies sources that exist and runs an executable entrypoint", () => {
    const copies = [...dockerfile.matchAll(/^COPY\s+(.+)$/gm)].map((m) => m[1]!.trim().split(/\s+/).slice(0, -1)).flat()
    assert.ok(copies.length >= 6, dockerfile)
    for (const source of copies) assert.ok(fs.existsSync(path.join(repoRoot, source)), `COPY source ${source} is missing`)
    for (const needed of ["dsl/", "engine/", "providers/", "cli/", "bin/", "package.json"]) assert.ok(copies.includes(needed), needed)
    // Every folder the CLI can load (its import closure, lazy imports included) is in the image.
    const closure = new Set<string>()
    const visit = (file: string): void => {
      if (closure.has(file)) return
      closure.add(file)
      for (const ref of parseImports(file, fs.readFileSync(path.join(repoRoot, file), "utf8"))) {
        if (ref.specifier.startsWith(".")) visit(path.posix.normalize(path.posix.join(path.posix.dirname(file), ref.specifier)))
      }
    }
    visit("cli/main.ts")
    const folders = new Set([...closure].map((file) => (file.includes("/") ? `${file.split("/")[0]}/` : file)))
    for (const folder of folders) assert.ok(copies.includes(folder), `the CLI loads ${folder} but the image lacks it`)
    const entrypoint = /^ENTRYPOINT\s+(\[.*\])$/m.exec(dockerfile)?.[1]
    assert.deepEqual(JSON.parse(entrypoint ?? "null"), ["/app/bin/tyger"])
    assert.match(dockerfile, /^WORKDIR \/app$/m)
    fs.accessSync(path.join(repoRoot, "bin", "tyger"), fs.constants.X_OK)
    assert.match(dockerfile, /^USER (?!root\b)\S+$/m)
    assert.match(dockerfile, /^FROM node:22[-.\w]*$/m)
  })
})
