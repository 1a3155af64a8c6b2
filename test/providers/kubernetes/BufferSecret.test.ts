// Where the job pod's buffer sidecars find their buffers (providers/kubernetes/BufferSecret.ts) and the
// `create-buffers` init container that creates them (HelperContainers.ts): container URLs with a storage account, no
// placeholder for a buffer the deployment creates, per-execution buffers of a scheduled run, given URLs winning.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Library from "../../../dsl/library/index.ts"
import * as Run from "../../../dsl/Run.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import * as BufferIds from "../../../providers/kubernetes/BufferIds.ts"
import * as BufferSecret from "../../../providers/kubernetes/BufferSecret.ts"
import * as Contract from "../../../providers/kubernetes/Contract.ts"
import { manifests } from "../../../providers/kubernetes/Manifests.ts"
import type * as Objects from "../../../providers/kubernetes/Objects.ts"
import type { Options } from "../../../providers/kubernetes/Options.ts"
import { compileForKubernetes } from "./Fixtures.ts"
import { planOf } from "./GoldenManifests.ts"

const base = { namespace: "ns", image: "tyger-ts:test" }
const storage: Options = { ...base, storageAccount: "acct", storageKeySecret: "tyger-storage" }
const storageWithoutKey: Options = { ...base, storageAccount: "acct" }
const ENDPOINT = "https://acct.blob.core.windows.net"
const url = (id: string) => `${ENDPOINT}/${id}`

const byName = <K extends Objects.Kind>(objects: ReadonlyArray<Objects.KubernetesObject>, kind: K, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name)
  assert.ok(found !== undefined, `${kind}/${name}`)
  return found as Extract<Objects.KubernetesObject, { kind: K }>
}

const podOf = (object: Objects.KubernetesObject): Objects.PodSpec => {
  if (object.kind === "Job") return object.spec.template.spec
  if (object.kind === "CronJob") return object.spec.jobTemplate.spec.template.spec
  assert.fail(`${object.kind} has no job pod`)
}

const containerOf = (pod: Objects.PodSpec, name: string): Objects.Container => {
  const found = [...(pod.initContainers ?? []), ...pod.containers].find((c) => c.name === name)
  assert.ok(found !== undefined, `container ${name}`)
  return found
}

const storageKeyEnv = { name: "AZURE_STORAGE_KEY", valueFrom: { secretKeyRef: { name: "tyger-storage", key: "accountKey" } } }

const secrets = (objects: ReadonlyArray<Objects.KubernetesObject>) => objects.flatMap((o) => (o.kind === "Secret" ? [o] : []))

describe("buffer URLs with a storage account", () => {
  test("one-off runs: every buffer gets its container URL, a run output its producer's; no placeholder anywhere", async () => {
    const objects = manifests(await planOf("gadgetron"), storage)
    const noise = BufferIds.runBufferId("ns", "gadgetron-noise", "noisecovariance")
    assert.deepEqual(byName(objects, "Secret", "gadgetron-snr-buffers").stringData, {
      input: url(BufferIds.runBufferId("ns", "gadgetron-snr", "input")),
      noisecovariance: url(noise),
      output: url(BufferIds.runBufferId("ns", "gadgetron-snr", "output"))
    })
    assert.equal(byName(objects, "Secret", "gadgetron-noise-buffers").stringData["noisecovariance"], url(noise))
    for (const secret of secrets(objects)) {
      for (const value of Object.values(secret.stringData)) assert.ok(!value.startsWith(Contract.UNBOUND_PREFIX), value)
    }
  })

  test("--blob-endpoint's URL (trailing slash dropped) and namespace-specific ids", async () => {
    const options = { ...base, namespace: "other", storageAccount: "devstoreaccount1", blobEndpoint: "http://azurite:10000/devstoreaccount1/" }
    const data = byName(manifests(await planOf("hello"), options), "Secret", "hello-buffers").stringData
    assert.deepEqual(data, {
      input: `http://azurite:10000/devstoreaccount1/${BufferIds.runBufferId("other", "hello", "input")}`,
      output: `http://azurite:10000/devstoreaccount1/${BufferIds.runBufferId("other", "hello", "output")}`
    })
    assert.notEqual(BufferIds.runBufferId("other", "hello", "input"), BufferIds.runBufferId("ns", "hello", "input"))
  })

  test("create-buffers comes first: the run's own buffers and the producer's it reads, with the account key", async () => {
    const objects = manifests(await planOf("gadgetron"), storage)
    const snr = podOf(byName(objects, "Job", "gadgetron-snr-job"))
    assert.deepEqual(snr.initContainers?.map((c) => c.name), ["create-buffers", "mkfifo"])
    const create = containerOf(snr, "create-buffers")
    assert.deepEqual([...(create.command ?? []), ...(create.args ?? [])], [
      "tyger", "buffer", "provision", "--endpoint", ENDPOINT, "--tag", "run=gadgetron-snr",
      `input=${BufferIds.runBufferId("ns", "gadgetron-snr", "input")}`,
      // The producer's buffer, created by whichever of the two pods starts first.
      `noisecovariance=${BufferIds.runBufferId("ns", "gadgetron-noise", "noisecovariance")}`,
      `output=${BufferIds.runBufferId("ns", "gadgetron-snr", "output")}`
    ])
    assert.deepEqual(create.env, [storageKeyEnv])
    assert.equal(create.volumeMounts, undefined)
    // Every sidecar signs with the same key.
    for (const name of ["input-buffer-sidecar", "noisecovariance-buffer-sidecar", "output-buffer-sidecar"]) {
      assert.deepEqual(containerOf(snr, name).env?.at(-1), storageKeyEnv, name)
    }
  })

  test("no create-buffers without a storage account, nor when every buffer already exists; no key without the Secret", async () => {
    assert.deepEqual(podOf(byName(manifests(await planOf("gadgetron"), base), "Job", "gadgetron-snr-job")).initContainers?.map((c) => c.name), ["mkfifo"])
    const hello = Codespec.job({ name: "hello", image: "busybox", buffers: { inputs: ["input"], outputs: ["output"] } })
    const plan = await compileForKubernetes(Workflow.make({
      runs: [Run.job(hello, { name: "bound", buffers: { input: "boundinput0000000000000000", output: "boundoutput000000000000000" } })]
    }))
    const pod = podOf(byName(manifests(plan, storageWithoutKey), "Job", "bound-job"))
    assert.deepEqual(pod.initContainers?.map((c) => c.name), ["mkfifo"])
    // Without `storageKeySecret` the sidecars use the pod's workload identity: no key in their env.
    assert.deepEqual(containerOf(pod, "input-buffer-sidecar").env, [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }])
  })

  test("given URLs still win: the Secret carries them and create-buffers leaves those buffers alone", async () => {
    const snrOutput = "https://elsewhere.example/out?sig=w"
    const objects = manifests(await planOf("gadgetron"), {
      ...storage,
      bufferSecrets: { "gadgetron-snr": { output: snrOutput }, "gadgetron-noise": { noisecovariance: "https://elsewhere.example/noise?sig=w" } }
    })
    const data = byName(objects, "Secret", "gadgetron-snr-buffers").stringData
    assert.equal(data["output"], snrOutput)
    assert.equal(data["noisecovariance"], "https://elsewhere.example/noise?sig=w")
    const args = containerOf(podOf(byName(objects, "Job", "gadgetron-snr-job")), "create-buffers").args ?? []
    assert.deepEqual(args.slice(6), [`input=${BufferIds.runBufferId("ns", "gadgetron-snr", "input")}`])
  })
})

describe("a scheduled run's buffers are made per execution", () => {
  test("its create outputs have no Secret entry: create-buffers writes their URLs into the pod's emptyDir", async () => {
    const objects = manifests(await planOf("nightly"), storage)
    assert.deepEqual(byName(objects, "Secret", "nightly-hello-buffers").stringData, { input: url("nightlyinputbuffer000000000") })
    const pod = podOf(byName(objects, "CronJob", "nightly-hello"))
    assert.deepEqual(pod.initContainers?.map((c) => c.name), ["create-buffers", "mkfifo"])
    const create = containerOf(pod, "create-buffers")
    assert.deepEqual(create.args, [
      "buffer", "provision", "--endpoint", ENDPOINT, "--tag", "run=nightly-hello",
      "--execution", "$(JOB_NAME)", "--namespace", "ns", "--url-dir", "/etc/buffer-execution", "output"
    ])
    // The Job controller's label names the execution (kubelet expands `$(JOB_NAME)` in args).
    assert.deepEqual(create.env, [
      { name: "JOB_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.labels['job-name']" } } },
      storageKeyEnv
    ])
    assert.deepEqual(create.volumeMounts, [{ name: "execution-buffers", mountPath: "/etc/buffer-execution" }])
    const output = containerOf(pod, "output-buffer-sidecar")
    assert.deepEqual(output.args?.slice(3, 5), ["--url-file", Contract.executionUrlPath("output")])
    assert.deepEqual(output.volumeMounts, [
      { name: "execution-buffers", mountPath: "/etc/buffer-execution", readOnly: true },
      { name: "pipevolume", mountPath: "/etc/buffer-fifos" }
    ])
    const input = containerOf(pod, "input-buffer-sidecar")
    assert.deepEqual(input.args?.slice(3, 5), ["--url-file", Contract.urlPath("input")])
    assert.deepEqual(pod.volumes, [
      { name: "pipevolume", emptyDir: {} },
      { name: "buffers", secret: { secretName: "nightly-hello-buffers" } },
      { name: "execution-buffers", emptyDir: {} }
    ])
  })

  test("a scheduled run with only fresh buffers has no Secret and no Secret volume, but keeps its RBAC", async () => {
    const plan = await compileForKubernetes(Workflow.make({
      runs: [Run.job(Library.Hello.hello, { name: "every-hour", schedule: { cron: "0 * * * *" } })]
    }))
    const objects = manifests(plan, storage)
    assert.deepEqual(objects.map((o) => o.kind), ["Role", "RoleBinding", "CronJob"])
    const pod = podOf(byName(objects, "CronJob", "every-hour"))
    assert.deepEqual(pod.volumes?.map((v) => v.name), ["pipevolume", "execution-buffers"])
    assert.deepEqual(containerOf(pod, "create-buffers").args?.slice(-2), ["input", "output"])
    // Without a storage account nothing can create them: placeholders, as before.
    assert.deepEqual(byName(manifests(plan, base), "Secret", "every-hour-buffers").stringData, {
      input: "tyger-ts:unbound:create",
      output: "tyger-ts:unbound:create"
    })
  })
})

describe("planSecretData (URLs that arrive later, e.g. Pulumi secrets)", () => {
  test("with the namespace and endpoint it equals the manifests' Secret; without, created buffers keep placeholders", async () => {
    const plan = await planOf("gadgetron")
    const urls = { "gadgetron-snr": { input: "https://given/in?sig=r" } }
    const objects = manifests(plan, { ...storage, bufferSecrets: urls })
    for (const run of ["gadgetron-noise", "gadgetron-snr"]) {
      assert.deepEqual(
        BufferSecret.planSecretData(plan, run, urls, "acct", { namespace: "ns" }),
        byName(objects, "Secret", `${run}-buffers`).stringData,
        run
      )
    }
    assert.deepEqual(BufferSecret.planSecretData(plan, "gadgetron-snr", urls, "acct"), {
      input: "https://given/in?sig=r",
      noisecovariance: "tyger-ts:unbound:run-output/gadgetron-noise/noisecovariance",
      output: "tyger-ts:unbound:create"
    })
    const nightly = await planOf("nightly")
    assert.deepEqual(BufferSecret.planSecretData(nightly, "nightly-hello", {}, "acct"), {
      input: url("nightlyinputbuffer000000000"),
      output: "tyger-ts:unbound:create"
    })
    assert.deepEqual(BufferSecret.planSecretData(nightly, "no-such-run", {}, "acct"), {})
    assert.equal(BufferSecret.containerUrl("http://azurite:10000/devstoreaccount1", "abc"), "http://azurite:10000/devstoreaccount1/abc")
  })
})
