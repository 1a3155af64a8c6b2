// `tyger run reap-workers` as a host process (bin/tyger, on the pinned Node, as in the image) against a fake HTTPS
// Kubernetes API server (as BufferSidecar.test.ts's): the pod, the Job and the workers' DELETEs, over TLS with the CA and
// the bearer token from TYGER_TS_SERVICE_ACCOUNT_DIR.
import assert from "node:assert/strict"
import { spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as https from "node:https"
import type * as net from "node:net"
import * as path from "node:path"
import { describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import { jobDone } from "../../../../providers/kubernetes/sidecar/ReapWorkers.ts"
import { tyger } from "../../../cli/Harness.ts"
import { tempDir } from "../../../support/Run.ts"

const repoRoot = fileURLToPath(new URL("../../../../", (import.meta as { readonly url: string }).url))
const tygerBin = path.join(repoRoot, "bin", "tyger")

const POD = "/api/v1/namespaces/ns/pods/run-7-job-0-abcde"
const JOB = "/apis/batch/v1/namespaces/ns/jobs/run-7-job"
const STATEFULSET = "/apis/apps/v1/namespaces/ns/statefulsets/run-7-worker?propagationPolicy=Background"
const SERVICE = "/api/v1/namespaces/ns/services/run-7-worker?propagationPolicy=Background"
const ARGS = ["run", "reap-workers", "--namespace", "ns", "--pod", "run-7-job-0-abcde", "--container", "main", "--job",
  "run-7-job", "--workers", "run-7-worker"]

/** Resolves once `check` holds, polling (bounded generously: a loaded machine is no failure). */
const until = async (what: string, check: () => boolean, timeoutMs = 90_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

interface Answer {
  readonly status: number
  readonly body: unknown
}

/**
 * A fake API server whose answers the test changes as it goes: `mainTerminated`, the Job's `succeeded`/`failed`
 * (of 3 completions), and an override per path (`refuse`).
 */
const fakeApi = async (dir: string) => {
  const state = {
    mainTerminated: false,
    succeeded: 0,
    failed: 0,
    conditions: [] as Array<{ readonly type: string; readonly status: string }>,
    refuse: new Map<string, Answer>()
  }
  const requests: Array<{ readonly method: string; readonly url: string; readonly authorization: string }> = []
  const server = https.createServer({ key: fs.readFileSync(path.join(dir, "key.pem")), cert: fs.readFileSync(path.join(dir, "ca.crt")) }, (request, response) => {
    const url = request.url ?? ""
    const method = request.method ?? ""
    requests.push({ method, url, authorization: request.headers.authorization ?? "" })
    const answer = (status: number, body: unknown) => {
      response.statusCode = status
      response.setHeader("content-type", "application/json")
      response.end(JSON.stringify(body))
    }
    const refused = state.refuse.get(`${method} ${url}`)
    if (refused !== undefined) return answer(refused.status, refused.body)
    if (method === "GET" && url === POD) {
      const main = { name: "main", state: state.mainTerminated ? { terminated: { exitCode: 0 } } : { running: {} } }
      return answer(200, { status: { phase: "Running", containerStatuses: [main, { name: "reap-workers", state: { running: {} } }] } })
    }
    if (method === "GET" && url === JOB) {
      return answer(200, {
        spec: { completions: 3, completionMode: "Indexed" },
        status: { active: 3 - state.succeeded - state.failed, succeeded: state.succeeded, failed: state.failed, conditions: state.conditions }
      })
    }
    if (method === "DELETE" && (url === STATEFULSET || url === SERVICE)) return answer(200, { kind: "Status", status: "Success" })
    answer(404, { kind: "Status", message: `${method} ${url} not found`, code: 404 })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const env = {
    KUBERNETES_SERVICE_HOST: "127.0.0.1",
    KUBERNETES_SERVICE_PORT: String((server.address() as net.AddressInfo).port),
    TYGER_TS_SERVICE_ACCOUNT_DIR: dir
  }
  const seen = (method: string, url: string) => requests.filter((r) => r.method === method && r.url === url).length
  const deletes = () => requests.filter((r) => r.method === "DELETE").map((r) => r.url).sort()
  return { state, requests, env, seen, deletes, close: () => server.close() }
}

/** The service account directory (token, CA) and the server's key, or why the test cannot run. */
const serviceAccount = (): { readonly dir: string } | { readonly skip: string } => {
  const dir = tempDir("tyger-reap-workers-")
  const made = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
    "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "ca.crt")])
  if (made.status !== 0) return { skip: `openssl cannot make a test certificate: ${made.error?.message ?? made.stderr}` }
  fs.writeFileSync(path.join(dir, "token"), "reaper-token\n")
  return { dir }
}

/** `tyger run reap-workers ...` as a host process; its output is collected as text. */
const reaper = (env: Readonly<Record<string, string>>, args: ReadonlyArray<string> = ARGS) => {
  const dataDir = path.join(tempDir("tyger-reap-workers-data-"), "data")
  const environment: Record<string, string | undefined> = { ...process.env, TYGER_TS_DATA_DIR: dataDir, ...env }
  if (!("JOB_COMPLETION_INDEX" in env)) delete environment["JOB_COMPLETION_INDEX"]
  const child = spawn(tygerBin, args, { env: environment, stdio: ["ignore", "pipe", "pipe"] })
  let stderr = ""
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  child.stdout.resume()
  const exited = new Promise<{ readonly code: number | null; readonly stderr: string }>((resolve, reject) => {
    child.once("error", reject)
    child.once("close", (code) => resolve({ code, stderr }))
  })
  return { child, exited, stderr: () => stderr }
}

const account = serviceAccount()
const skip = "skip" in account ? account.skip : false
const dirOf = () => ("dir" in account ? account.dir : "")

describe("tyger run reap-workers", { skip }, () => {
  test("deletes nothing while main runs or another pod works; then the StatefulSet and the Service, and exits 0", async () => {
    const api = await fakeApi(dirOf())
    const reap = reaper(api.env)
    try {
      // main still running: the pod is polled, the Job not yet, nothing deleted.
      await until("two pod GETs", () => api.seen("GET", POD) >= 2)
      assert.equal(api.seen("GET", JOB), 0)
      assert.deepEqual(api.deletes(), [])
      // main terminated, one other pod of the three still running: the Job is polled, nothing deleted.
      api.state.succeeded = 1
      api.state.mainTerminated = true
      await until("two Job GETs", () => api.seen("GET", JOB) >= 2)
      assert.deepEqual(api.deletes(), [])
      // Both other pods finished (one failed): this pod is the last one, the workers go.
      api.state.failed = 1
      const exited = await reap.exited
      assert.equal(exited.code, 0, exited.stderr)
      assert.deepEqual(api.deletes(), [SERVICE, STATEFULSET].sort())
      assert.ok(api.requests.every((r) => r.authorization === "Bearer reaper-token"), JSON.stringify(api.requests))
      assert.match(exited.stderr, /INF Target container completed\.\n/)
      assert.match(exited.stderr, /INF The workers are no longer needed: 2 of the other 2 pod\(s\) of the job finished\.\n/)
      assert.match(exited.stderr, /INF Deleted statefulset ns\/run-7-worker\.\n/)
      assert.match(exited.stderr, /INF Deleted service ns\/run-7-worker\.\n/)
      assert.doesNotMatch(exited.stderr, /WRN|ERR|Error/)
    } finally {
      reap.child.kill("SIGKILL")
      api.close()
    }
  })

  test("a pod of completion index 1 exits 0 at once without a request", async () => {
    const api = await fakeApi(dirOf())
    try {
      const exited = await reaper({ ...api.env, JOB_COMPLETION_INDEX: "1" }).exited
      assert.equal(exited.code, 0, exited.stderr)
      assert.match(exited.stderr, /INF This is the pod of completion index 1: the pod of index 0 deletes the workers\.\n/)
      assert.deepEqual(api.requests, [])
    } finally {
      api.close()
    }
  })

  test("SIGTERM while waiting deletes the workers at once and exits 0", async () => {
    const api = await fakeApi(dirOf())
    const reap = reaper({ ...api.env, JOB_COMPLETION_INDEX: "0" })
    try {
      await until("a pod GET", () => api.seen("GET", POD) >= 1)
      assert.deepEqual(api.deletes(), [])
      // process.kill, not child.kill: Deno's closes the child's stdio first (see test/support/Cli.ts killHard).
      process.kill(reap.child.pid!, "SIGTERM")
      const exited = await reap.exited
      assert.equal(exited.code, 0, exited.stderr)
      assert.deepEqual(api.deletes(), [SERVICE, STATEFULSET].sort())
      assert.equal(api.seen("GET", JOB), 0)
      assert.match(exited.stderr, /INF The pod is stopping: deleting the workers now\.\n/)
    } finally {
      reap.child.kill("SIGKILL")
      api.close()
    }
  })

  test("a 403 on the Job is a warning naming the RBAC, retried until allowed; a 404 on delete is success", async () => {
    const api = await fakeApi(dirOf())
    api.state.mainTerminated = true
    api.state.conditions = [{ type: "Failed", status: "True" }]
    api.state.refuse.set(`GET ${JOB}`, { status: 403, body: { kind: "Status", message: "jobs.batch \"run-7-job\" is forbidden", code: 403 } })
    for (const url of [STATEFULSET, SERVICE]) api.state.refuse.set(`DELETE ${url}`, { status: 404, body: { kind: "Status", code: 404 } })
    const reap = reaper(api.env)
    try {
      await until("the 403 warning", () => /WRN Cannot read job/.test(reap.stderr()))
      assert.match(
        reap.stderr(),
        /WRN Cannot read job ns\/run-7-job: GET job: 403 jobs\.batch "run-7-job" is forbidden \(the pod's service account needs 'get' on batch jobs \(run-7-job\) and 'delete' on apps statefulsets and core services \(run-7-worker\)\)\. Retrying\.\n/
      )
      assert.deepEqual(api.deletes(), [])
      api.state.refuse.delete(`GET ${JOB}`)
      const exited = await reap.exited
      assert.equal(exited.code, 0, exited.stderr)
      assert.ok(api.seen("GET", JOB) >= 2)
      assert.deepEqual(api.deletes(), [SERVICE, STATEFULSET].sort())
      assert.match(exited.stderr, /INF The workers are no longer needed: the job is Failed\.\n/)
      assert.match(exited.stderr, /INF The statefulset ns\/run-7-worker was already deleted\.\n/)
      assert.match(exited.stderr, /INF The service ns\/run-7-worker was already deleted\.\n/)
    } finally {
      reap.child.kill("SIGKILL")
      api.close()
    }
  })
})

describe("tyger run reap-workers, other cases", () => {
  test("required flags", async () => {
    const dataDir = path.join(tempDir("tyger-reap-workers-args-"), "data")
    const result = await tyger({ dataDir }, "run", "reap-workers", "--namespace", "ns", "--pod", "p", "--container", "main")
    assert.equal(result.code, 1)
    assert.equal(result.stderr, 'Error: required flag(s) "job", "workers" not set\n')
  })

  test("jobDone: every other pod finished, or a final condition", () => {
    const job = (succeeded: number, failed: number, conditions: ReadonlyArray<{ type: string; status: string }> = []) => ({
      spec: { completions: 4 },
      status: { succeeded, failed, conditions }
    })
    assert.equal(jobDone(job(2, 0)), undefined)
    assert.equal(jobDone(job(2, 1)), "3 of the other 3 pod(s) of the job finished")
    assert.equal(jobDone(job(0, 0, [{ type: "Complete", status: "False" }])), undefined)
    assert.equal(jobDone(job(0, 0, [{ type: "Failed", status: "True" }])), "the job is Failed")
    assert.equal(jobDone(job(0, 0, [{ type: "Complete", status: "True" }])), "the job is Complete")
    assert.equal(jobDone({ spec: { completions: 1 } }), "0 of the other 0 pod(s) of the job finished")
    assert.equal(jobDone({}), "0 of the other 0 pod(s) of the job finished")
  })
})
