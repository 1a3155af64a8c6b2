// The Pulumi component under the mock monitor: which resources it creates, with which names, inputs and options.
import assert from "node:assert/strict"
import { before, beforeEach, describe, test } from "node:test"
import * as pulumi from "@pulumi/pulumi"
import * as Library from "../../../dsl/library/index.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import type * as Plan from "../../../engine/plan/Plan.ts"
import * as BufferPlan from "../../../providers/kubernetes/BufferPlan.ts"
import { manifests, objectId } from "../../../providers/kubernetes/Manifests.ts"
import type * as Objects from "../../../providers/kubernetes/Objects.ts"
import {
  AWAIT_GRACE_SECONDS, RERUN_ANNOTATION, RERUN_PATH, SKIP_AWAIT, TYPE, WorkflowComponent
} from "../../../providers/kubernetes/WorkflowComponent.ts"
import { compileForKubernetes } from "./Fixtures.ts"
import * as Mocks from "./PulumiMocks.ts"

const PULUMI_TYPES: { readonly [K in Objects.Kind]: string } = {
  Secret: "kubernetes:core/v1:Secret",
  Service: "kubernetes:core/v1:Service",
  StatefulSet: "kubernetes:apps/v1:StatefulSet",
  Job: "kubernetes:batch/v1:Job",
  CronJob: "kubernetes:batch/v1:CronJob",
  Role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  RoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
}

const args = { namespace: "tyger", image: "tyger-ts:test" }

let plan: Plan.Plan

const workflow = Workflow.make({
  runs: [Library.Gadgetron.noiseRun, Library.Gadgetron.snrRun, Library.Gadgetron.distributedRun, Library.Nightly.nightly]
})

type Args = Partial<ConstructorParameters<typeof WorkflowComponent>[1]>

const build = async (name: string, extra: Args = {}) => {
  const component = new WorkflowComponent(name, { plan, ...args, ...extra }, { transformations: [Mocks.recordOptions] })
  await Mocks.settled([component, ...component.resources.values()])
  return component
}

/** A child's registration by its Pulumi name, `<component>-<object name>`. */
const registered = (type: string, name: string): Mocks.Registration => {
  const found = Mocks.registrations.find((r) => r.type === type && r.name === name)
  assert.ok(found !== undefined, `${type} ${name} among ${Mocks.registrations.map((r) => `${r.type} ${r.name}`).join(", ")}`)
  return found
}

const inputsOf = <A>(type: string, name: string): A => Mocks.unsecret(registered(type, name).inputs) as A

const optionsOf = (type: string, name: string): Mocks.Options => {
  const found = Mocks.options.find((o) => o.type === type && o.name === name)
  assert.ok(found !== undefined, `options of ${type} ${name}`)
  return found
}

const isWorker = (kind: Objects.Kind) => kind === "StatefulSet" || kind === "Service"

describe("WorkflowComponent (Pulumi mocks)", () => {
  before(async () => {
    await Mocks.install("component")
    plan = await compileForKubernetes(workflow)
  })
  beforeEach(Mocks.reset)

  test("one typed resource per manifest object, named <component>-<object>, parented to the component", async () => {
    const component = await build("pipeline")
    const objects = manifests(plan, args)
    assert.deepEqual(component.objectIds, objects.map(objectId))
    const access = (run: string) => [`Role/${run}-buffer-sidecar`, `RoleBinding/${run}-buffer-sidecar`]
    assert.deepEqual(component.objectIds, [
      "Secret/gadgetron-noise-buffers", ...access("gadgetron-noise"), "Job/gadgetron-noise-job",
      "Secret/gadgetron-snr-buffers", ...access("gadgetron-snr"), "Job/gadgetron-snr-job",
      "Secret/gadgetron-distributed-buffers", ...access("gadgetron-distributed"),
      "Service/gadgetron-distributed-worker", "StatefulSet/gadgetron-distributed-worker", "Job/gadgetron-distributed-job",
      "Secret/nightly-hello-buffers", ...access("nightly-hello"), "CronJob/nightly-hello"
    ])
    registered(TYPE, "pipeline")
    assert.equal(Mocks.registrations.length, objects.length + 1)
    for (const object of objects) {
      const type = PULUMI_TYPES[object.kind]
      const name = `pipeline-${object.metadata.name}`
      const inputs = inputsOf<Record<string, unknown>>(type, name)
      const { annotations, ownerReferences: _owners, ...metadata } = inputs["metadata"] as Objects.ObjectMeta & { ownerReferences?: unknown }
      const { annotations: _none, ...expected } = object.metadata
      assert.deepEqual(metadata, expected)
      assert.equal(inputs["apiVersion"], object.apiVersion)
      assert.equal(inputs["kind"], object.kind)
      const awaited = object.kind === "Job" || isWorker(object.kind)
      assert.deepEqual(annotations, awaited ? { [SKIP_AWAIT]: "true" } : undefined, objectId(object))
      const options = optionsOf(type, name)
      assert.equal(options.parent, component)
      assert.equal(options.deleteBeforeReplace, true)
      // Stacks deployed before the names were prefixed keep their resources.
      assert.deepEqual(options.aliases?.[0], { name: object.metadata.name })
      const urn = await Mocks.valueOf(component.resources.get(objectId(object))!.urn)
      assert.ok(urn.endsWith(`${TYPE}$${type}::${name}`), urn)
    }
  })

  test("two components with the same runs register different URNs", async () => {
    const first = await build("first")
    const second = await build("second")
    const urn = (component: WorkflowComponent) => Mocks.valueOf(component.resources.get("Job/gadgetron-noise-job")!.urn)
    assert.notEqual(await urn(first), await urn(second))
    assert.deepEqual(first.objectIds, second.objectIds)
  })

  test("resource inputs are the manifests: labels, the job's env with worker DNS names, the CronJob's schedule", async () => {
    await build("inputs")
    const job = inputsOf<Objects.Job>(PULUMI_TYPES.Job, "inputs-gadgetron-distributed-job")
    assert.deepEqual(job.metadata.labels, { "tyger-job": "gadgetron-distributed", "tyger-run": "gadgetron-distributed" })
    const main = job.spec.template.spec.containers.find((c) => c.name === "main")!
    const hosts = [0, 1, 2, 3, 4].map((i) => `gadgetron-distributed-worker-${i}.gadgetron-distributed-worker.tyger.svc.cluster.local`)
    assert.deepEqual(main.env?.map((e) => e.name), [
      "TYGER_RUN_ID", "GADGETRON_REMOTE_WORKER_COMMAND", "INPUT_PIPE", "OUTPUT_PIPE",
      "TYGER_WORKER_NODES", "TYGER_GADGETRON_WORKER_ENDPOINT_ADDRESSES", "GADGETRON_WORKER_ADDRESSES"
    ])
    assert.equal(main.env?.find((e) => e.name === "TYGER_WORKER_NODES")?.value, JSON.stringify(hosts))
    const sts = inputsOf<Objects.StatefulSet>(PULUMI_TYPES.StatefulSet, "inputs-gadgetron-distributed-worker")
    assert.equal(sts.spec.replicas, 5)
    assert.equal(sts.spec.serviceName, "gadgetron-distributed-worker")
    assert.deepEqual(sts.spec.template.metadata.labels, { "tyger-run": "gadgetron-distributed", "tyger-worker": "gadgetron-distributed" })
    const service = inputsOf<Objects.Service>(PULUMI_TYPES.Service, "inputs-gadgetron-distributed-worker")
    assert.equal(service.spec.clusterIP, "None")
    const cron = inputsOf<Objects.CronJob>(PULUMI_TYPES.CronJob, "inputs-nightly-hello")
    assert.equal(cron.spec.schedule, "30 2 * * *")
    assert.equal(cron.spec.timeZone, "Europe/Berlin")
    assert.equal(cron.spec.jobTemplate.spec.template.spec.restartPolicy, "Never")
    const secret = registered(PULUMI_TYPES.Secret, "inputs-gadgetron-snr-buffers").inputs
    // The Kubernetes SDK always sends a Secret's data as a Pulumi secret.
    assert.ok(Mocks.isSecretInput(secret["stringData"]))
    assert.deepEqual(Mocks.unsecret(secret["stringData"]), manifests(plan, args).find((o) => objectId(o) === "Secret/gadgetron-snr-buffers")
      ?.["stringData" as never])
    const binding = inputsOf<Objects.RoleBinding>(PULUMI_TYPES.RoleBinding, "inputs-nightly-hello-buffer-sidecar")
    assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "nightly-hello-buffer-sidecar" })
    assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "default", namespace: "tyger" }])
  })

  test("a Job depends on its Secret, its sidecars' Role and RoleBinding, and the Jobs of the runs it reads from", async () => {
    const component = await build("order")
    const prerequisites = (run: string) =>
      [`Secret/${run}-buffers`, `Role/${run}-buffer-sidecar`, `RoleBinding/${run}-buffer-sidecar`].map((id) => component.resources.get(id))
    const snr = optionsOf(PULUMI_TYPES.Job, "order-gadgetron-snr-job")
    assert.deepEqual(snr.dependsOn, [...prerequisites("gadgetron-snr"), component.resources.get("Job/gadgetron-noise-job")])
    assert.deepEqual(optionsOf(PULUMI_TYPES.Job, "order-gadgetron-noise-job").dependsOn, prerequisites("gadgetron-noise"))
    assert.deepEqual(optionsOf(PULUMI_TYPES.CronJob, "order-nightly-hello").dependsOn, prerequisites("nightly-hello"))
    assert.deepEqual(optionsOf(PULUMI_TYPES.RoleBinding, "order-gadgetron-snr-buffer-sidecar").dependsOn, [])
  })

  test("workers are owned by their Job: ownerReferences with its uid, created after it, deleted and replaced with it", async () => {
    const component = await build("owned")
    const job = component.resources.get("Job/gadgetron-distributed-job")!
    for (const [kind, type] of [["StatefulSet", PULUMI_TYPES.StatefulSet], ["Service", PULUMI_TYPES.Service]] as const) {
      const metadata = inputsOf<{ metadata: { ownerReferences: unknown } }>(type, "owned-gadgetron-distributed-worker").metadata
      assert.deepEqual(metadata.ownerReferences, [{
        apiVersion: "batch/v1",
        kind: "Job",
        name: "gadgetron-distributed-job",
        uid: "owned-gadgetron-distributed-job-uid", // the Job resource's output, as the API server set it
        blockOwnerDeletion: false
      }], kind)
      const options = optionsOf(type, "owned-gadgetron-distributed-worker")
      assert.deepEqual(options.dependsOn, [job])
      assert.equal(options.deletedWith, job)
      assert.deepEqual(options.replaceOnChanges, ["metadata.ownerReferences"])
    }
  })

  test("a Job ignores changes to its spec and is replaced only through its rerun token; a CronJob updates", async () => {
    await build("lifecycle", { rerun: { "gadgetron-noise": "2" } })
    for (const run of ["gadgetron-noise", "gadgetron-snr", "gadgetron-distributed"]) {
      const options = optionsOf(PULUMI_TYPES.Job, `lifecycle-${run}-job`)
      assert.deepEqual(options.ignoreChanges, ["spec"])
      assert.deepEqual(options.replaceOnChanges, [RERUN_PATH])
      assert.equal(options.customTimeouts, undefined)
    }
    assert.equal(RERUN_PATH, 'metadata.annotations["tyger-ts/rerun"]')
    const annotations = (run: string) => inputsOf<Objects.Job>(PULUMI_TYPES.Job, `lifecycle-${run}-job`).metadata.annotations
    assert.deepEqual(annotations("gadgetron-noise"), { [SKIP_AWAIT]: "true", [RERUN_ANNOTATION]: "2" })
    assert.deepEqual(annotations("gadgetron-snr"), { [SKIP_AWAIT]: "true" })
    const cron = optionsOf(PULUMI_TYPES.CronJob, "lifecycle-nightly-hello")
    assert.equal(cron.ignoreChanges, undefined)
    assert.equal(cron.replaceOnChanges, undefined)
  })

  test("a new helper image changes only the Job's ignored spec, under the same name: a finished run is not replaced", async () => {
    const jobs = async (image: string) => {
      Mocks.reset()
      await build("upgrade", { image })
      return Mocks.registrations.filter((r) => r.type === PULUMI_TYPES.Job).map((r) => ({ name: r.name, inputs: Mocks.unsecret(r.inputs) as Objects.Job }))
    }
    const before = await jobs("registry.example/tyger-ts:1")
    const after = await jobs("registry.example/tyger-ts:2")
    assert.deepEqual(after.map((j) => j.name), before.map((j) => j.name))
    for (const [i, job] of after.entries()) {
      const { spec, ...rest } = job.inputs
      const { spec: oldSpec, ...oldRest } = before[i]!.inputs
      assert.notDeepEqual(spec, oldSpec, job.name) // the image lives in the spec...
      assert.ok(JSON.stringify(spec).includes("registry.example/tyger-ts:2"))
      assert.deepEqual(rest, oldRest, job.name) // ...and nothing outside it changed
      assert.deepEqual(optionsOf(PULUMI_TYPES.Job, job.name).ignoreChanges, ["spec"]) // ...which Pulumi does not diff
    }
  })

  test("rerun tokens must name one-off runs of the plan", () => {
    assert.throws(() => new WorkflowComponent("bad-rerun", { plan, ...args, rerun: { "nightly-hello": "1", nope: "1" } }), (error: unknown) => {
      assert.ok(pulumi.ResourceError.isInstance(error))
      assert.equal((error as Error).message, [
        "workflow bad-rerun:",
        "rerun: 'nightly-hello' is scheduled; its CronJob is updated in place, never re-run",
        "rerun: the plan has no run 'nope'"
      ].join("\n"))
      return true
    })
  })

  test("storageAccountKey: a Secret <component>-storage-key that every Job and CronJob needs, named to the pods", async () => {
    const storage = { storageAccount: "tygerdata", storageAccountKey: pulumi.secret("c2VjcmV0") }
    const component = await build("keyed", storage)
    assert.equal(component.objectIds[0], "Secret/keyed-storage-key")
    const key = registered(PULUMI_TYPES.Secret, "keyed-storage-key").inputs
    assert.deepEqual(Mocks.unsecret(key["metadata"]), { name: "keyed-storage-key", namespace: "tyger" })
    assert.ok(Mocks.isSecretInput(key["stringData"]))
    assert.deepEqual(Mocks.unsecret(key["stringData"]), { accountKey: "c2VjcmV0" })
    const keySecret = component.resources.get("Secret/keyed-storage-key")
    assert.equal(optionsOf(PULUMI_TYPES.Job, "keyed-gadgetron-noise-job").dependsOn[0], keySecret)
    assert.equal(optionsOf(PULUMI_TYPES.CronJob, "keyed-nightly-hello").dependsOn[0], keySecret)
    // The pods get what the manifests give for `storageKeySecret: keyed-storage-key`.
    const expected = manifests(plan, { ...args, storageAccount: "tygerdata", storageKeySecret: "keyed-storage-key" })
    for (const object of expected.filter((o): o is Objects.Job => o.kind === "Job")) {
      assert.deepEqual(inputsOf<Objects.Job>(PULUMI_TYPES.Job, `keyed-${object.metadata.name}`).spec, object.spec)
    }
    assert.throws(() => new WorkflowComponent("both", { plan, ...args, ...storage, storageKeySecret: "mine" }),
      /storageAccountKey and storageKeySecret both name the account key: give one/)
    assert.throws(() => new WorkflowComponent("no-account", { plan, ...args, storageAccountKey: "k" }),
      /storageAccountKey needs storageAccount \(or blobEndpoint\)/)
  })

  test("bufferUrls (e.g. secret stack config) reach only the Secrets, as Pulumi secrets, shared for run outputs", async () => {
    const urls = pulumi.secret({ "gadgetron-noise": { noisecovariance: "https://acct.blob.core.windows.net/noise?sig=x" } })
    const component = await build("urls", { bufferUrls: urls })
    const secret = component.resources.get("Secret/gadgetron-snr-buffers") as unknown as { stringData: pulumi.Output<Record<string, string>> }
    assert.equal(await pulumi.isSecret(secret.stringData), true)
    const data = await Mocks.valueOf(secret.stringData)
    assert.equal(data["noisecovariance"], "https://acct.blob.core.windows.net/noise?sig=x")
    assert.deepEqual(data, manifests(plan, { ...args, bufferSecrets: { "gadgetron-noise": { noisecovariance: "https://acct.blob.core.windows.net/noise?sig=x" } } })
      .find((o): o is Objects.Secret => objectId(o) === "Secret/gadgetron-snr-buffers")?.stringData)
    const job = registered(PULUMI_TYPES.Job, "urls-gadgetron-snr-job").inputs
    assert.ok(!JSON.stringify(job).includes("sig=x"))
  })

  test("awaitCompletion: Jobs awaited up to their timeout (a distributed run's workers instead of its Job)", async () => {
    await build("await", { awaitCompletion: true })
    for (const registration of Mocks.registrations.filter((r) => r.type !== TYPE)) {
      const metadata = registration.inputs["metadata"] as Objects.ObjectMeta
      const skipped = registration.name === "await-gadgetron-distributed-job"
      assert.equal(metadata.annotations?.[SKIP_AWAIT], skipped ? "true" : undefined, registration.name)
    }
    const timeout = `${plan.runs.find((r) => r.name === "gadgetron-noise")!.timeoutSeconds + AWAIT_GRACE_SECONDS}s`
    assert.deepEqual(optionsOf(PULUMI_TYPES.Job, "await-gadgetron-noise-job").customTimeouts, { create: timeout, update: timeout })
    assert.equal(optionsOf(PULUMI_TYPES.Job, "await-gadgetron-distributed-job").customTimeouts, undefined)
  })

  test("bufferIds: every run's buffer ids known before its pods run", async () => {
    const component = await build("ids")
    assert.deepEqual(component.bufferIds, BufferPlan.bufferIds(plan, "tyger"))
    assert.deepEqual(component.bufferIds["nightly-hello"], { input: "nightlyinputbuffer000000000" })
    assert.ok(component.bufferIds["gadgetron-snr"]?.["noisecovariance"] === component.bufferIds["gadgetron-noise"]?.["noisecovariance"])
  })

  test("rehydration (an existing component's URN) creates no children", async () => {
    // The mock monitor cannot read back a resource whose outputs were registered, so a bare registration of the same
    // type stands in for the component that exists already.
    class StandIn extends pulumi.CustomResource {}
    const urn: string = await Mocks.valueOf(new StandIn(TYPE, "old", {}).urn)
    Mocks.reset()
    const again = new WorkflowComponent("old", { plan, ...args }, { urn })
    assert.equal(await Mocks.valueOf(again.urn), urn)
    assert.deepEqual(again.objectIds, [])
    assert.equal(again.resources.size, 0)
    assert.deepEqual(again.bufferIds, {})
    assert.deepEqual(Mocks.registrations, [])
  })
})
