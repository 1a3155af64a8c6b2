import assert from "node:assert/strict"
import { describe, test } from "node:test"
import * as Plan from "../../../engine/plan/Plan.ts"
import * as Contract from "../../../providers/kubernetes/Contract.ts"
import { manifests, objectId } from "../../../providers/kubernetes/Manifests.ts"
import * as Names from "../../../providers/kubernetes/Names.ts"
import type * as Objects from "../../../providers/kubernetes/Objects.ts"
import type { Options } from "../../../providers/kubernetes/Options.ts"
import { edgePlan, LONG_NAME } from "./Fixtures.ts"
import { GOLDEN_OPTIONS, planOf } from "./GoldenManifests.ts"

const options = { namespace: "ns", image: "tyger-ts:test" }

const find = <K extends Objects.Kind>(objects: ReadonlyArray<Objects.KubernetesObject>, kind: K, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name)
  assert.ok(found !== undefined, `${kind}/${name} in ${objects.map(objectId).join(", ")}`)
  return found as Extract<Objects.KubernetesObject, { kind: K }>
}

const container = (spec: Objects.PodSpec, name: string): Objects.Container => {
  const found = [...(spec.initContainers ?? []), ...spec.containers].find((c) => c.name === name)
  assert.ok(found !== undefined, `container ${name}`)
  return found
}

const envOf = (c: Objects.Container): Array<readonly [string, string | undefined]> => (c.env ?? []).map((e) => [e.name, e.value])

const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}

describe("manifests", () => {
  test("one-off run: Secret, sidecar RBAC, then Job; the Job carries replicas, no retry, the deadline, Tyger's labels", async () => {
    const objects = manifests(await planOf("hello"), options)
    assert.deepEqual(objects.map(objectId), [
      "Secret/hello-buffers", "Role/hello-buffer-sidecar", "RoleBinding/hello-buffer-sidecar", "Job/hello-job"
    ])
    const job = find(objects, "Job", "hello-job")
    assert.deepEqual(job.metadata, { name: "hello-job", namespace: "ns", labels: { "tyger-job": "hello", "tyger-run": "hello" } })
    const { template, ...spec } = job.spec
    assert.deepEqual(spec, { activeDeadlineSeconds: 43200, backoffLimit: 0, completions: 1, parallelism: 1 })
    assert.equal(template.spec.restartPolicy, "Never")
    assert.deepEqual(template.metadata.labels, { "tyger-job": "hello", "tyger-run": "hello" })
    assert.deepEqual(template.spec.containers.map((c) => c.name), ["main", "input-buffer-sidecar", "output-buffer-sidecar"])
    assert.deepEqual(template.spec.initContainers?.map((c) => c.name), ["mkfifo"])
  })

  test("main: codespec command untouched, env in Tyger's order, pipes at /etc/buffer-fifos", async () => {
    const job = find(manifests(await planOf("hello"), options), "Job", "hello-job")
    const main = container(job.spec.template.spec, "main")
    assert.equal(main.image, "ubuntu")
    assert.deepEqual(main.command?.slice(0, 2), ["bash", "-c"])
    assert.deepEqual(envOf(main), [
      ["TYGER_RUN_ID", "hello"],
      ["INPUT_PIPE", "/etc/buffer-fifos/input"],
      ["OUTPUT_PIPE", "/etc/buffer-fifos/output"]
    ])
    assert.deepEqual(main.volumeMounts, [{ mountPath: "/etc/buffer-fifos", name: "pipevolume" }])
  })

  test("sidecars follow the argv contract and read URLs from the run's Secret", async () => {
    const spec = find(manifests(await planOf("hello"), options), "Job", "hello-job").spec.template.spec
    const input = container(spec, "input-buffer-sidecar")
    assert.equal(input.image, "tyger-ts:test")
    assert.deepEqual([...(input.command ?? []), ...(input.args ?? [])], [
      "tyger", "buffer", "sidecar", "input", "--url-file", "/etc/buffer-sas-tokens/input", "--pipe", "/etc/buffer-fifos/input",
      "--namespace", "ns", "--pod", "$(POD_NAME)", "--container", "main"
    ])
    assert.deepEqual(input.env, [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }])
    assert.equal(container(spec, "output-buffer-sidecar").args?.[2], "output")
    assert.deepEqual(spec.volumes, [
      { name: "pipevolume", emptyDir: {} },
      { name: "buffers", secret: { secretName: "hello-buffers" } }
    ])
    const mkfifo = container(spec, "mkfifo")
    assert.deepEqual(mkfifo.command, ["sh", "-c", Contract.MKFIFO_SCRIPT, "mkfifo", "/etc/buffer-fifos/input", "/etc/buffer-fifos/output"])
  })

  test("Secret values: given URLs, the producer's URL for a run output, storage-account URLs, placeholders", async () => {
    const plan = await planOf("gadgetron")
    const snrSecret = (bufferSecrets?: Options["bufferSecrets"]) =>
      find(manifests(plan, bufferSecrets === undefined ? options : { ...options, bufferSecrets }), "Secret", "gadgetron-snr-buffers").stringData
    assert.deepEqual(snrSecret(), {
      input: "tyger-ts:unbound:create",
      noisecovariance: "tyger-ts:unbound:run-output/gadgetron-noise/noisecovariance",
      output: "tyger-ts:unbound:create"
    })
    assert.deepEqual(
      snrSecret({ "gadgetron-noise": { noisecovariance: "https://acct/noise?sig=w" }, "gadgetron-snr": { input: "https://acct/in?sig=r" } }),
      { input: "https://acct/in?sig=r", noisecovariance: "https://acct/noise?sig=w", output: "tyger-ts:unbound:create" }
    )
    // The run's own URL for a parameter wins over its producer's.
    const own = snrSecret({ "gadgetron-noise": { noisecovariance: "https://w" }, "gadgetron-snr": { noisecovariance: "https://r" } })
    assert.equal(own["noisecovariance"], "https://r")
    // With a storage account: known ids get their container URL; a scheduled run's `create` output is made per
    // execution, so it has no entry (BufferSecret.test.ts).
    const nightly = manifests(await planOf("nightly"), { ...options, storageAccount: "tygerdata" })
    assert.deepEqual(find(nightly, "Secret", "nightly-hello-buffers").stringData, {
      input: "https://tygerdata.blob.core.windows.net/nightlyinputbuffer000000000"
    })
  })

  test("distributed run: headless Service and StatefulSet of the same name, DNS names in the job's env", async () => {
    const objects = manifests(await planOf("daphne"), options)
    assert.deepEqual(objects.map(objectId), [
      "Secret/daphne-buffers", "Role/daphne-buffer-sidecar", "RoleBinding/daphne-buffer-sidecar",
      "Service/daphne-worker", "StatefulSet/daphne-worker", "Job/daphne-job"
    ])
    const service = find(objects, "Service", "daphne-worker")
    assert.equal(service.spec.clusterIP, "None")
    assert.deepEqual(service.spec.selector, { "tyger-run": "daphne", "tyger-worker": "daphne" })
    assert.deepEqual(service.spec.ports, [{ name: "grpc", port: 50051, protocol: "TCP", targetPort: 50051 }])
    const sts = find(objects, "StatefulSet", "daphne-worker")
    assert.equal(sts.spec.serviceName, "daphne-worker")
    assert.equal(sts.spec.replicas, 3)
    assert.equal(sts.spec.podManagementPolicy, "Parallel")
    assert.equal(sts.spec.template.spec.restartPolicy, "Always")
    assert.deepEqual(sts.spec.selector.matchLabels, sts.spec.template.metadata.labels)
    assert.deepEqual(envOf(container(sts.spec.template.spec, "main")), [["TYGER_RUN_ID", "daphne"]])
    const hosts = [0, 1, 2].map((i) => `daphne-worker-${i}.daphne-worker.ns.svc.cluster.local`)
    const job = find(objects, "Job", "daphne-job").spec.template.spec
    assert.deepEqual(envOf(container(job, "main")).slice(3), [
      ["TYGER_WORKER_NODES", JSON.stringify(hosts)],
      ["TYGER_GRPC_WORKER_ENDPOINT_ADDRESSES", JSON.stringify(hosts.map((h) => `${h}:50051`))],
      ["DISTRIBUTED_WORKERS", hosts.map((h) => `${h}:50051`).join(",")]
    ])
    const wait = container(job, "wait-for-workers")
    // Bounded by the run's timeout unless `workerWaitSeconds` says less.
    assert.deepEqual(wait.args, ["run", "wait-for-workers", "--timeout", "3600s", ...hosts.map((h) => `${h}:50051`)])
    const shorter = find(manifests(await planOf("daphne"), { ...options, workerWaitSeconds: 900 }), "Job", "daphne-job")
    assert.equal(container(shorter.spec.template.spec, "wait-for-workers").args?.[3], "900s")
    assert.deepEqual(job.initContainers?.map((c) => c.name), ["mkfifo", "wait-for-workers"])
  })

  test("scheduled run: a CronJob named after the run whose job template is the one-off Job's spec", async () => {
    const plan = await planOf("nightly")
    const objects = manifests(plan, options)
    assert.deepEqual(objects.map(objectId), [
      "Secret/nightly-hello-buffers", "Role/nightly-hello-buffer-sidecar", "RoleBinding/nightly-hello-buffer-sidecar", "CronJob/nightly-hello"
    ])
    const cron = find(objects, "CronJob", "nightly-hello")
    const { jobTemplate, ...schedule } = cron.spec
    assert.deepEqual(schedule, {
      concurrencyPolicy: "Forbid",
      schedule: "30 2 * * *",
      startingDeadlineSeconds: 600,
      suspend: false,
      timeZone: "Europe/Berlin"
    })
    assert.deepEqual(jobTemplate.metadata.labels, { "tyger-job": "nightly-hello", "tyger-run": "nightly-hello" })
    const { schedule: _schedule, ...run } = plan.runs[0]!
    const oneOff = find(manifests({ ...plan, runs: [run] }, options), "Job", "nightly-hello-job")
    assert.deepEqual(jobTemplate.spec, oneOff.spec)
    assert.equal(jobTemplate.spec.activeDeadlineSeconds, 1800)
  })

  test("buffer sidecars may get their pod: a Role and a RoleBinding to the pod's service account", async () => {
    const objects = manifests(await planOf("hello"), options)
    const role = find(objects, "Role", "hello-buffer-sidecar")
    assert.deepEqual(role, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "hello-buffer-sidecar", namespace: "ns", labels: { "tyger-run": "hello" } },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]
    })
    const binding = find(objects, "RoleBinding", "hello-buffer-sidecar")
    assert.deepEqual(binding, {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "hello-buffer-sidecar", namespace: "ns", labels: { "tyger-run": "hello" } },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "hello-buffer-sidecar" },
      subjects: [{ kind: "ServiceAccount", name: "default", namespace: "ns" }]
    })
    // The pod leaves its service account implicit, which is the one bound.
    assert.equal(find(objects, "Job", "hello-job").spec.template.spec.serviceAccountName, undefined)
  })

  test("an identity's run binds the identity's service account; socket buffers have watching sidecars too", async () => {
    const objects = manifests(await edgePlan(), options)
    const training = find(objects, "RoleBinding", "training-buffer-sidecar")
    assert.deepEqual(training.subjects, [{ kind: "ServiceAccount", name: "trainer-identity", namespace: "ns" }])
    assert.equal(find(objects, "Job", "training-job").spec.template.spec.serviceAccountName, "trainer-identity")
    // `get` on pods first; the workers' reaper's rules follow (HelperContainers.test.ts).
    assert.deepEqual(find(objects, "Role", "training-buffer-sidecar").rules[0], { apiGroups: [""], resources: ["pods"], verbs: ["get"] })
    const serve = find(objects, "Job", "serve-job").spec.template.spec
    assert.ok(container(serve, "request-buffer-sidecar").args?.includes("--pod"))
    assert.deepEqual(find(objects, "RoleBinding", "serve-buffer-sidecar").subjects, [{ kind: "ServiceAccount", name: "default", namespace: "ns" }])
    find(objects, "Role", "serve-buffer-sidecar")
  })

  test("sidecar RBAC names stay DNS labels, cut and hashed for the longest run names", () => {
    assert.equal(Names.sidecarAccess("hello"), "hello-buffer-sidecar")
    const long = Names.sidecarAccess(LONG_NAME)
    assert.ok(long.length <= Names.MAX_LABEL, long)
    assert.match(long, /^a-very-long-run-name-that-is-exactly-fi-[0-9a-f]{8}-buffer-sidecar$/)
    assert.notEqual(Names.sidecarAccess(`${LONG_NAME.slice(0, -1)}x`), long)
  })

  test("resources, GPUs, shared memory, node pools, identities and replicas", async () => {
    const objects = manifests(await edgePlan(), options)
    const job = find(objects, "Job", "training-job")
    assert.equal(job.spec.completions, 3)
    assert.equal(job.spec.parallelism, 3)
    assert.equal(job.spec.activeDeadlineSeconds, 120)
    const pod = job.spec.template.spec
    assert.equal(pod.serviceAccountName, "trainer-identity")
    assert.deepEqual(pod.nodeSelector, { agentpool: "gpupool" })
    assert.deepEqual(pod.tolerations?.map((t) => `${t.key}=${t.value}:${t.effect}`), ["tyger=run:NoSchedule", "sku=gpu:NoSchedule"])
    const main = container(pod, "main")
    assert.deepEqual(main.resources, {
      requests: { cpu: "500m", memory: "2Gi", "nvidia.com/gpu": "2" },
      limits: { cpu: "2", memory: "2Gi", "nvidia.com/gpu": "2" }
    })
    assert.equal(main.workingDir, "/work")
    assert.deepEqual(main.volumeMounts?.map((m) => m.mountPath), ["/etc/buffer-fifos", "/dev/shm"])
    assert.deepEqual(pod.volumes?.find((v) => v.name === "shm"), { name: "shm", emptyDir: { medium: "Memory", sizeLimit: "1Gi" } })
    assert.deepEqual(job.spec.template.metadata.annotations, { "tyger-job-replica-count": "3", "tyger-worker-replica-count": "2" })
    // The wait is bounded by the run's own timeout when that is shorter.
    assert.equal(container(pod, "wait-for-workers").args?.[3], "120s")
    const workers = find(objects, "StatefulSet", "training-worker").spec.template.spec
    assert.deepEqual(workers.nodeSelector, { agentpool: "peerpool" })
    assert.equal(workers.serviceAccountName, undefined)
  })

  test("$(VAR) is left to the kubelet; codespec env keeps its declared order; derived values are rendered", async () => {
    const pod = find(manifests(await edgePlan(), options), "Job", "training-job").spec.template.spec
    const main = container(pod, "main")
    assert.deepEqual(main.args, ["--data", "$(DATA_PIPE)", "--base", "$(MODEL_PIPE)", "--literal", "$$(NOT_EXPANDED)"])
    const hosts = [0, 1].map((i) => `training-worker-${i}.training-worker.ns.svc.cluster.local`)
    assert.deepEqual(envOf(main), [
      ["TYGER_RUN_ID", "training"],
      ["ZETA", "last-declared-first"],
      ["ALPHA", "$(ZETA)-again"],
      ["DATA_PIPE", "/etc/buffer-fifos/data"],
      ["MODEL_PIPE", "/etc/buffer-fifos/model"],
      ["TYGER_WORKER_NODES", JSON.stringify(hosts)],
      ["TYGER_CONTROL_WORKER_ENDPOINT_ADDRESSES", JSON.stringify(hosts.map((h) => `${h}:7000`))],
      ["TYGER_DATA_WORKER_ENDPOINT_ADDRESSES", JSON.stringify(hosts.map((h) => `${h}:7001`))],
      ["TYGER_SAME-PORT_WORKER_ENDPOINT_ADDRESSES", JSON.stringify(hosts.map((h) => `${h}:7001`))],
      ["PEERS", hosts.map((h) => `${h}:7001`).join(";")],
      ["HOSTS", JSON.stringify(hosts)]
    ])
  })

  test("worker ports: valid lower-cased endpoint names, one Service port per port number", async () => {
    const objects = manifests(await edgePlan(), options)
    assert.deepEqual(find(objects, "Service", "training-worker").spec.ports?.map((p) => [p.name, p.port]), [["control", 7000], ["data", 7001]])
    const quiet = find(objects, "Service", "run-7up-worker")
    assert.equal(quiet.spec.ports, undefined)
    const job = find(objects, "Job", "7up-job").spec.template.spec
    // Workers without endpoints: the job waits until each worker's name resolves.
    assert.deepEqual(container(job, "wait-for-workers").args?.slice(4), [
      "run-7up-worker-0.run-7up-worker.ns.svc.cluster.local",
      "run-7up-worker-1.run-7up-worker.ns.svc.cluster.local"
    ])
    assert.equal(job.volumes, undefined)
    assert.deepEqual(job.initContainers?.map((c) => c.name), ["wait-for-workers"])
  })

  test("names: DNS-1035 worker names, StatefulSet names within 52 characters, hashed when cut", async () => {
    const objects = manifests(await edgePlan(), options)
    const long = Names.workers(LONG_NAME)
    assert.equal(LONG_NAME.length, 52)
    assert.ok(long.length <= Names.MAX_STATEFUL_SET, long)
    assert.match(long, /^a-very-long-run-name-that-is-exactly-[0-9a-f]{8}-worker$/)
    assert.notEqual(Names.workers(`${LONG_NAME.slice(0, -1)}x`), long)
    find(objects, "StatefulSet", long)
    find(objects, "Job", `${LONG_NAME}-job`)
    assert.equal(Names.workers("7up"), "run-7up-worker")
    for (const object of objects) {
      assert.match(object.metadata.name, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
      assert.ok(object.metadata.name.length <= Names.MAX_LABEL)
      if (object.kind === "Service") assert.match(object.metadata.name, /^[a-z]/)
    }
    assert.deepEqual([...Names.portNames([
      ["Control", 1], ["control", 2], ["way-too-long-port-name", 3], ["a--b", 4], ["123", 5], ["port-6", 7], ["X_Y", 6]
    ])], [
      ["Control", "control"], ["control", "port-2"], ["way-too-long-port-name", "port-3"], ["a--b", "port-4"], ["123", "port-5"],
      ["port-6", "port-6"], ["X_Y", "port-6-2"]
    ])
  })

  test("socket codespecs: main becomes a native sidecar, one socket sidecar, no pipes for socket buffers", async () => {
    const pod = find(manifests(await edgePlan(), options), "Job", "serve-job").spec.template.spec
    assert.deepEqual(pod.initContainers?.map((c) => [c.name, c.restartPolicy]), [["mkfifo", undefined], ["main", "Always"]])
    assert.deepEqual(pod.containers.map((c) => c.name), ["request-buffer-sidecar", "response-buffer-sidecar", "socket-9002-sidecar"])
    assert.deepEqual(container(pod, "socket-9002-sidecar").args, [
      "buffer", "sidecar", "socket", "--address", "localhost:9002", "--input", "/etc/buffer-fifos/request", "--output", "/etc/buffer-fifos/response"
    ])
    assert.deepEqual(envOf(container(pod, "main")), [["TYGER_RUN_ID", "serve"]])
  })

  test("a run without buffers gets no Secret, no pipes, no sidecars, and RBAC only when it has workers to reap", async () => {
    const objects = manifests(await edgePlan(), options)
    assert.ok(!objects.some((o) => o.metadata.name === "plain-buffers"))
    const plain = objects.filter((o) => o.metadata.labels?.["tyger-run"] === "plain").map(objectId)
    assert.deepEqual(plain, ["Job/plain-job"])
    for (const run of [LONG_NAME, "7up"]) {
      const kinds = objects.filter((o) => o.metadata.labels?.["tyger-run"] === run).map((o) => o.kind)
      assert.deepEqual(kinds, ["Role", "RoleBinding", "Service", "StatefulSet", "Job"], run)
    }
    const pod = find(objects, "Job", "plain-job").spec.template.spec
    assert.deepEqual(pod.containers.map((c) => c.name), ["main"])
    assert.equal(pod.initContainers, undefined)
    assert.equal(pod.volumes, undefined)
  })

  test("pure and deterministic: a frozen plan, equal output twice, apiVersion/kind/metadata first, keys sorted", async () => {
    const plan = deepFreeze(Plan.decodeUnknownSync(JSON.parse(Plan.toJsonString(await planOf("gadgetron")))))
    const first = manifests(plan, GOLDEN_OPTIONS)
    assert.deepEqual(manifests(plan, GOLDEN_OPTIONS), first)
    assert.equal(JSON.stringify(manifests(plan, GOLDEN_OPTIONS)), JSON.stringify(first))
    const keysSorted = (value: unknown, top: boolean): void => {
      if (Array.isArray(value)) return value.forEach((v) => keysSorted(v, false))
      if (typeof value !== "object" || value === null) return
      const keys = Object.keys(value)
      const rest = top ? keys.slice(3) : keys
      if (top) assert.deepEqual(keys.slice(0, 3), ["apiVersion", "kind", "metadata"])
      assert.deepEqual(rest, [...rest].sort())
      for (const v of Object.values(value)) keysSorted(v, false)
    }
    for (const object of first) keysSorted(object, true)
  })

  test("a plan run whose codespec is missing is a programming error, not silently skipped", async () => {
    const plan = await planOf("hello")
    assert.throws(() => manifests({ ...plan, codespecs: [] }, options), /refers to a job codespec the plan does not contain/)
  })
})
