// Azurite (the Azure Storage emulator, a devDependency) for tests that talk to a real Blob endpoint.
//
// Always run by the pinned Node (node_modules/.bin/node), whichever runtime runs the tests, with telemetry off
// (it would otherwise phone an Azure host), bound to 127.0.0.1 only, data in memory, on a port the OS picks.
import { spawn } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import * as fs from "node:fs"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import process from "node:process"
import { after } from "node:test"
import { fileURLToPath } from "node:url"

/** Azurite's published development account (https://learn.microsoft.com/azure/storage/common/storage-use-azurite). */
export const devAccountName = "devstoreaccount1"
export const devAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

export interface Azurite {
  /** `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=…;BlobEndpoint=…;` */
  readonly connectionString: string
  /** `http://127.0.0.1:<port>/devstoreaccount1` (an IP host, so the SDK reads URLs path-style). */
  readonly blobEndpoint: string
  readonly stop: () => Promise<void>
}

// Deno's type checker, driven by this tsconfig, does not see @types/node's ImportMeta; every runtime sets `url`.
const here = (import.meta as { readonly url: string }).url
const repoRoot = fileURLToPath(new URL("../../", here))
const nodeBinary = path.join(repoRoot, "node_modules", ".bin", "node")
const azuriteMain = path.join(repoRoot, "node_modules", "azurite", "dist", "src", "blob", "main.js")

// Runs Azurite's own entry point (argv[1], so its argument parser sees the usual `node main.js …`) and, when stdin
// closes, removes its throwaway working directory and exits: if the test process dies without running its hooks
// (even by SIGKILL), the emulator and its files go with it.
const launcher = "process.stdin.on('close', () => {" +
  " require('fs').rmSync(process.cwd(), { recursive: true, force: true }); process.exit(0) }).resume();" +
  " require(process.argv[1])"

const listening = /successfully listens on (http:\/\/127\.0\.0\.1:(\d+))/

const running = new Map<ChildProcess, string>()
const stops = new Set<() => Promise<void>>()
// File-level hooks, registered when a test file imports this module (as test/support/Run.ts does): every instance
// that file started is stopped when it is done; "exit" is the fallback where hooks do not run.
after(() => Promise.all([...stops].map((stop) => stop())))
process.once("exit", () => {
  for (const [child, workDir] of running) {
    child.kill("SIGKILL")
    fs.rmSync(workDir, { recursive: true, force: true })
  }
})

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port })
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
  })

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Starts an in-memory Azurite blob service and resolves once its port accepts connections (at most `timeoutMs`).
 * It is stopped by `stop()`, after the importing test file, or when this process exits.
 */
export const startAzurite = async (options?: { readonly timeoutMs?: number }): Promise<Azurite> => {
  const timeoutMs = options?.timeoutMs ?? 30_000
  for (const file of [nodeBinary, azuriteMain]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing; run 'npm install' first`)
  }
  // Azurite may write a debug log or workspace files into its working directory: give it a throwaway one.
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "tyger-ts-azurite-"))
  const child = spawn(nodeBinary, [
    "-e",
    launcher,
    azuriteMain,
    "--blobHost",
    "127.0.0.1",
    "--blobPort",
    "0",
    "--inMemoryPersistence",
    "--disableTelemetry",
    "--skipApiVersionCheck",
    "--silent"
  ], { cwd: workDir, stdio: ["pipe", "pipe", "pipe"] })
  running.set(child, workDir)

  let output = ""
  let exited: string | undefined
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
  child.once("error", (error) => (exited = `could not be spawned (${error.message})`))
  child.once("exit", (code, signal) => {
    running.delete(child)
    exited ??= `exited with ${signal ?? `code ${code}`}`
  })

  let stopped: Promise<void> | undefined
  const stop = (): Promise<void> =>
    stopped ??= (async () => {
      if (exited === undefined) {
        const gone = new Promise((resolve) => child.once("exit", resolve))
        // SIGKILL, not SIGTERM: a graceful close waits out idle keep-alive connections (5 s), and an in-memory
        // emulator has nothing to flush.
        child.kill("SIGKILL")
        await gone
      }
      fs.rmSync(workDir, { recursive: true, force: true })
      stops.delete(stop)
    })()
  stops.add(stop)

  const deadline = Date.now() + timeoutMs
  const fail = async (why: string): Promise<never> => {
    await stop()
    const tail = output.trim().split("\n").slice(-10).join("\n")
    throw new Error(`Azurite ${why}${tail === "" ? "" : `; its output:\n${tail}`}`)
  }
  for (;;) {
    if (exited !== undefined) return fail(exited)
    if (Date.now() > deadline) return fail(`did not start listening within ${timeoutMs} ms`)
    const match = listening.exec(output)
    if (match !== null && (await canConnect(Number(match[2])))) {
      const blobEndpoint = `${match[1]}/${devAccountName}`
      // The port is known: stdout is only drained from now on, so a chatty emulator never blocks on a full pipe.
      child.stdout?.removeAllListeners("data").resume()
      return {
        blobEndpoint,
        connectionString: `DefaultEndpointsProtocol=http;AccountName=${devAccountName};AccountKey=${devAccountKey};` +
          `BlobEndpoint=${blobEndpoint};`,
        stop
      }
    }
    await sleep(50)
  }
}

/**
 * Azurite for a test file, or the reason it is unavailable (printed to stderr here, so a skipped suite is never a
 * silent pass). With TYGER_TEST_REQUIRE_AZURITE=1 (e.g. in CI) the failure is thrown instead.
 */
export const azuriteOrSkip = async (
  options?: { readonly timeoutMs?: number }
): Promise<Azurite | { readonly skip: string }> => {
  try {
    return await startAzurite(options)
  } catch (error) {
    if (process.env["TYGER_TEST_REQUIRE_AZURITE"] === "1") throw error
    const skip = `Azurite is unavailable: ${error instanceof Error ? error.message : String(error)}`
    process.stderr.write(`SKIPPING Azure Blob Storage tests. ${skip}\n`)
    return { skip }
  }
}
