// The job pod's helper containers (providers/kubernetes/HelperContainers.ts): workers reaped when the run ends (an
// Indexed Job, the `reap-workers` container, its RBAC), socket buffers watching their socket's sidecar, and what
// hardened clusters require of every helper (securityContext, requests and limits, the image's numeric user).
import assert from "node:assert/strict"
import * as fs from "node:fs"
import { describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Run from "../../../dsl/Run.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import * as Helpers from "../../../providers/kubernetes/HelperContainers.ts"
import { manifests } from "../../../providers/kubernetes/Manifests.ts"
import type * as Objects from "../../../providers/kubernetes/Objects.ts"
import { compileForKubernetes, edgePlan, quiet } from "./Fixtures.ts"
import { K8S_GOLDEN_MODULES, planOf } from "./GoldenManifests.ts"

const options = { namespace: "ns", image: "tyger-ts:test" }

const byName = <K extends Objects.Kind>(objects: ReadonlyArray<Objects.KubernetesObject>, kind: K, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name)
  assert.ok(found !== undefined, `${kind}/${name}`)
  return found as Extract<Objects.KubernetesObject, { kind: K }>
}

const containerOf = (pod: Objects.PodSpec, name: string): Objects.Container => {
  const found = [...(pod.initContainers ?? []), ...pod.containers].find((c) => c.name === name)
  assert.ok(found !== undefined, `container ${name}`)
  return found
}

const podSpecs = (object: Objects.KubernetesObject): ReadonlyArray<{ readonly spec: Objects.PodSpec; readonly workers: boolean }> => {
  switch (object.kind) {
    case "Job":
      return [{ spec: object.spec.template.spec, workers: false }]
    case "CronJob":
      return [{ spec: object.spec.jobTemplate.spec.template.spec, workers: false }]
    case "StatefulSet":
      return [{ spec: object.spec.template.spec, workers: true }]
    default:
      return []
  }
}

const POD_NAME = { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }

describe("workers end with the run", () => {
  test("an Indexed Job whose pods carry reap-workers: the job and workers by name, the pod from the downward API", async () => {
    const objects = manifests(await planOf("daphne"), options)
    const job = byName(objects, "Job", "daphne-job")
    assert.equal(job.spec.completionMode, "Indexed")
    const reap = containerOf(job.spec.template.spec, "reap-workers")
    assert.deepEqual([...(reap.command ?? []), ...(reap.args ?? [])], [
      "tyger", "run", "reap-workers", "--namespace", "ns", "--pod", "$(POD_NAME)", "--container", "main",
      "--job", "daphne-job", "--workers", "daphne-worker"
    ])
    assert.deepEqual(reap.env, [POD_NAME])
    assert.equal(reap.restartPolicy, undefined)
    assert.equal(job.spec.template.spec.containers.at(-1)?.name, "reap-workers")
    // Runs without workers keep the default completion mode and get no reaper.
    const hello = byName(manifests(await planOf("hello"), options), "Job", "hello-job")
    assert.equal(hello.spec.completionMode, undefined)
    assert.ok(!hello.spec.template.spec.containers.some((c) => c.name === "reap-workers"))
  })

  test("the Role lets the reaper read its Job and delete its own workers, nothing else; also without buffers", async () => {
    const objects = manifests(await edgePlan(), options)
    assert.deepEqual(byName(objects, "Role", "7up-buffer-sidecar").rules, [
      { apiGroups: [""], resources: ["pods"], verbs: ["get"] },
      { apiGroups: ["batch"], resources: ["jobs"], resourceNames: ["7up-job"], verbs: ["get"] },
      { apiGroups: ["apps"], resources: ["statefulsets"], resourceNames: ["run-7up-worker"], verbs: ["delete"] },
      { apiGroups: [""], resources: ["services"], resourceNames: ["run-7up-worker"], verbs: ["delete"] }
    ])
    assert.deepEqual(byName(objects, "RoleBinding", "7up-buffer-sidecar").subjects, [{ kind: "ServiceAccount", name: "default", namespace: "ns" }])
    // The 7up Job has no buffers: reap-workers is its only helper besides wait-for-workers.
    const pod = byName(objects, "Job", "7up-job").spec.template.spec
    assert.deepEqual(pod.containers.map((c) => c.name), ["main", "reap-workers"])
    assert.deepEqual(byName(objects, "Role", "serve-buffer-sidecar").rules, [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }])
  })
})

describe("socket codespecs", () => {
  test("a socket's buffer sidecars watch the socket's sidecar, not main (a native sidecar that outlives them)", async () => {
    const pod = byName(manifests(await edgePlan(), options), "Job", "serve-job").spec.template.spec
    for (const name of ["request-buffer-sidecar", "response-buffer-sidecar"]) {
      const args = containerOf(pod, name).args ?? []
      assert.deepEqual(args.slice(args.indexOf("--container")), ["--container", "socket-9002-sidecar"], name)
    }
    // Buffer sidecars stay classic containers: their exit code is the Job's outcome (README, "Not done").
    for (const container of pod.containers) assert.equal(container.restartPolicy, undefined, container.name)
  })

  test("mixed: a FIFO parameter's sidecar still watches main; with workers the reaper watches the last socket", async () => {
    const mixed = Codespec.job({
      name: "mixed",
      image: "registry.example/mixed:1",
      buffers: { inputs: ["request", "config"], outputs: ["response"] },
      sockets: [{ port: 9002, inputBuffer: "request" }, { port: 9003, outputBuffer: "response" }]
    })
    const plan = await compileForKubernetes(Workflow.make({
      runs: [Run.distributed({ name: "mixed", job: mixed, worker: quiet, replicas: 1 })]
    }))
    const pod = byName(manifests(plan, options), "Job", "mixed-job").spec.template.spec
    const watched = (name: string) => {
      const args = containerOf(pod, name).args ?? []
      return args[args.indexOf("--container") + 1]
    }
    assert.equal(watched("request-buffer-sidecar"), "socket-9002-sidecar")
    assert.equal(watched("config-buffer-sidecar"), "main")
    assert.equal(watched("response-buffer-sidecar"), "socket-9003-sidecar")
    assert.equal(watched("reap-workers"), "socket-9003-sidecar")
  })
})

describe("hardened clusters", () => {
  test("every helper container runs as uid 1000, unprivileged, with requests and limits; main and workers untouched", async () => {
    const plans = [...await Promise.all(K8S_GOLDEN_MODULES.map(planOf)), await edgePlan()]
    const seen = new Set<string>()
    for (const plan of plans) {
      for (const object of manifests(plan, { ...options, storageAccount: "acct", storageKeySecret: "tyger-storage" })) {
        for (const { spec, workers } of podSpecs(object)) {
          for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
            const helper = !workers && container.name !== "main"
            if (helper) {
              seen.add(container.name.replace(/^.*-buffer-sidecar$/, "<p>-buffer-sidecar").replace(/^socket-\d+-sidecar$/, "socket-<port>-sidecar"))
              assert.equal(container.image, options.image, container.name)
              assert.deepEqual(container.securityContext, Helpers.SECURITY_CONTEXT, container.name)
              assert.deepEqual(container.resources, Helpers.RESOURCES, container.name)
            } else {
              assert.equal(container.securityContext, undefined, container.name)
            }
          }
        }
      }
    }
    assert.deepEqual([...seen].sort(), [
      "<p>-buffer-sidecar", "create-buffers", "mkfifo", "reap-workers", "socket-<port>-sidecar", "wait-for-workers"
    ])
    assert.deepEqual(Helpers.SECURITY_CONTEXT, {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" }
    })
    assert.deepEqual(Helpers.RESOURCES, { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "1", memory: "512Mi" } })
  })

  test("the image's user is the numeric uid:gid the helpers run as", () => {
    const dockerfile = fs.readFileSync(fileURLToPath(new URL("../../../Dockerfile", import.meta.url)), "utf8")
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)$/gm)].map((m) => m[1])
    assert.deepEqual(users, [`${Helpers.SECURITY_CONTEXT.runAsUser}:${Helpers.SECURITY_CONTEXT.runAsGroup}`])
  })

  test("a codespec with an identity labels its pods for AKS workload identity; selectors stay as they were", async () => {
    const identified = Codespec.worker({ name: "identified", image: "registry.example/peer:1", identity: "peer-identity" })
    const plan = await compileForKubernetes(Workflow.make({
      runs: [Run.distributed({ name: "ids", job: Codespec.job({ name: "plain-id", image: "busybox" }), worker: identified, replicas: 1 })]
    }))
    const objects = [...manifests(await edgePlan(), options), ...manifests(plan, options)]
    const label = "azure.workload.identity/use"
    assert.equal(byName(objects, "Job", "training-job").spec.template.metadata.labels[label], "true")
    assert.equal(byName(objects, "Job", "serve-job").spec.template.metadata.labels[label], undefined)
    assert.equal(byName(objects, "StatefulSet", "training-worker").spec.template.metadata.labels[label], undefined)
    const workers = byName(objects, "StatefulSet", "ids-worker")
    assert.equal(workers.spec.template.metadata.labels[label], "true")
    assert.deepEqual(workers.spec.selector.matchLabels, { "tyger-run": "ids", "tyger-worker": "ids" })
    assert.equal(byName(objects, "Job", "ids-job").spec.template.metadata.labels[label], undefined)
  })
})
