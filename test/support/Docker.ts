// The real Docker engine for tests: is it there, the busybox test image, and cleanup of what a test file created.
//
// Deliberately independent of providers/docker/DockerClient: availability is a raw node:http ping and the image and
// cleanup go through the docker CLI, so a bug in the client fails its tests instead of turning them into skips.
import { spawn } from "node:child_process"
import { randomUUID } from "node:crypto"
import * as http from "node:http"
import process from "node:process"
import { fileURLToPath } from "node:url"
import { parseHost } from "../../providers/docker/internal/Host.ts"
import { INSTANCE_LABEL, instanceOf } from "../../providers/docker/internal/Naming.ts"

export const testImage = "tyger-test/busybox:latest"

// Deno's type checker, driven by this tsconfig, does not see @types/node's ImportMeta; every runtime sets `url`.
const here = (import.meta as { readonly url: string }).url
const buildScript = fileURLToPath(new URL("../../scripts/docker-test-image.sh", here))

export type Availability = { readonly ok: true } | { readonly ok: false; readonly reason: string }

/** Pings the engine named by DOCKER_HOST (default /var/run/docker.sock) within `timeoutMs`. */
export const dockerAvailable = (timeoutMs = 5_000): Promise<Availability> => {
  const endpoint = parseHost(process.env["DOCKER_HOST"])
  if (endpoint._tag === "Unsupported") return Promise.resolve({ ok: false, reason: endpoint.message })
  return new Promise((resolve) => {
    const done = (result: Availability) => {
      clearTimeout(timer)
      resolve(result)
    }
    const request = http.get({ socketPath: endpoint.socketPath, path: "/_ping", host: "localhost" }, (response) => {
      let body = ""
      response.setEncoding("utf8")
      response.on("data", (chunk: string) => (body += chunk))
      response.on("end", () =>
        done(
          response.statusCode === 200
            ? { ok: true }
            : { ok: false, reason: `${endpoint.host} answered /_ping with HTTP ${response.statusCode}: ${body.trim()}` }
        ))
      response.on("error", (error) => done({ ok: false, reason: `${endpoint.host}: ${error.message}` }))
    })
    const timer = setTimeout(() => {
      request.destroy()
      done({ ok: false, reason: `${endpoint.host} did not answer /_ping within ${timeoutMs} ms` })
    }, timeoutMs)
    request.on("error", (error: NodeJS.ErrnoException) =>
      done({ ok: false, reason: `no Docker engine at ${endpoint.host} (${error.code ?? error.message})` }))
  })
}

interface Exec {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a command without a shell; never rejects (a spawn failure is code null with the reason in stderr). */
export const exec = (command: string, args: ReadonlyArray<string>): Promise<Exec> =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.once("error", (error) => resolve({ code: null, stdout, stderr: `${stderr}${error.message}` }))
    child.once("close", (code) => resolve({ code, stdout, stderr }))
  })

export class NoStaticBusybox extends Error {}

const builds = new Map<string, Promise<void>>()

/**
 * Builds `name` from the host's static busybox unless the engine has it (scripts/docker-test-image.sh: idempotent,
 * serialised across processes). Rejects with NoStaticBusybox when the host has none to build from.
 */
export const ensureTestImage = (name = testImage): Promise<void> => {
  let build = builds.get(name)
  if (build === undefined) {
    build = exec("bash", [buildScript, name]).then((result) => {
      if (result.code === 0) return
      const detail = result.stderr.trim() || `exit ${result.code}`
      if (result.code === 3) throw new NoStaticBusybox(detail)
      throw new Error(`building the test image ${name} failed: ${detail}`)
    })
    builds.set(name, build)
    build.catch(() => builds.delete(name))
  }
  return build
}

/**
 * For a test file that needs the engine and the test image: `false` when both are there, else the reason to skip
 * (printed to stderr, so a skipped suite is never silent). A host with an engine that fails to build the image
 * rejects: that is a broken setup, not a missing one.
 */
export const dockerOrSkip = async (): Promise<false | string> => {
  const available = await dockerAvailable()
  let skip: string | undefined
  if (!available.ok) skip = `Docker is unavailable: ${available.reason}`
  else {
    try {
      await ensureTestImage()
    } catch (error) {
      if (!(error instanceof NoStaticBusybox)) throw error
      skip = `cannot build ${testImage}: ${error.message}`
    }
  }
  if (skip === undefined) return false
  process.stderr.write(`SKIPPING Docker engine tests. ${skip}\n`)
  return skip
}

const lines = (text: string) => text.split("\n").filter((line) => line !== "")

/** Containers and networks carrying a label (`key=value`), from the docker CLI. */
export const labelled = async (label: string) => {
  const filter = `label=${label}`
  return {
    containers: lines((await exec("docker", ["ps", "-aq", "--filter", filter])).stdout),
    networks: lines((await exec("docker", ["network", "ls", "-q", "--filter", filter])).stdout)
  }
}

/** Force-removes every container, then every network, carrying a label. */
export const removeLabelled = async (label: string): Promise<void> => {
  const { containers } = await labelled(label)
  if (containers.length > 0) await exec("docker", ["rm", "-f", "-v", ...containers])
  const { networks } = await labelled(label)
  if (networks.length > 0) await exec("docker", ["network", "rm", ...networks])
}

/** The label on everything the Docker provider creates for one data directory. */
export const dataDirLabel = (dataDir: string): string => `${INSTANCE_LABEL}=${instanceOf(dataDir)}`

/** Labels that mark what one test file creates: `tyger-test=1` plus a per-session id for its cleanup. */
export const testSession = () => {
  const session = randomUUID()
  const labels = { "tyger-test": "1", "tyger-test-session": session } as const
  return {
    labels,
    /** Force-removes every container, then every network, carrying this session's label. */
    cleanup: (): Promise<void> => removeLabelled(`tyger-test-session=${session}`)
  }
}
