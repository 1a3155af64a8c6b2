// The Pulumi component under the mock monitor: which resources it creates, with which names, inputs and options.
import assert from "node:assert/strict"
import { before, beforeEach, describe, test } from "node:test"
import * as pulumi from "@pulumi/pulumi"
import * as Library from "../../../dsl/library/index.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import type * as Plan from "../../../engine/plan/Plan.ts"
import { manifests, objectId } from "../../../providers/kubernetes/Manifests.ts"
import type * as Objects from "../../../providers/kubernetes/Objects.ts"
import { SKIP_AWAIT, TYPE, WorkflowComponent } from "../../../providers/kubernetes/WorkflowComponent.ts"
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

const build = async (name: string, extra: Partial<ConstructorParameters<typeof WorkflowComponent>[1]> = {}) => {
  const component = new WorkflowComponent(name, { plan, ...args, ...extra }, { transformations: [Mocks.recordOptions] })
  await Mocks.settled([component, ...component.resources.values()])
  return component
}

const registered = (type: string, name: string): Mocks.Registration => {
  const found = Mocks.registrations.find((r) => r.type === type && r.name === name)
  assert.ok(found !== undefined, `${type} ${name} among ${Mocks.registrations.map((r) => `${r.type} ${r.name}`).join(", ")}`)
  return found
}

const optionsOf = (type: string, name: string): Mocks.Options => {
  const found = Mocks.options.find((o) => o.type === type && o.name === name)
  assert.ok(found !== undefined, `options of ${type} ${name}`)
  return found
}

describe("WorkflowComponent (Pulumi mocks)", () => {
  before(async () => {
    await Mocks.install("component")
    plan = await compileForKubernetes(workflow)
  })
  beforeEach(Mocks.reset)

  test("one typed resource per manifest object, named after it, parented to the component", async () => {
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
      const inputs = Mocks.unsecret(registered(type, object.metadata.name).inputs) as Record<string, unknown>
      const { annotations, ...metadata } = inputs["metadata"] as Objects.ObjectMeta
      const { annotations: _none, ...expected } = object.metadata
      assert.deepEqual(metadata, expected)
      assert.equal(inputs["apiVersion"], object.apiVersion)
      assert.equal(inputs["kind"], object.kind)
      const awaited = object.kind === "Job" || object.kind === "StatefulSet" || object.kind === "Service"
      assert.deepEqual(annotations, awaited ? { [SKIP_AWAIT]: "true" } : undefined, objectId(object))
      const options = optionsOf(type, object.metadata.name)
      assert.equal(options.parent, component)
      assert.equal(options.deleteBeforeReplace, true)
      const urn = await Mocks.valueOf(component.resources.get(objectId(object))!.urn)
      assert.ok(urn.includes(`${TYPE}$${type}::${object.metadata.name}`), urn)
    }
  })

  test("resource inputs are the manifests: labels, the job's env with worker DNS names, the CronJob's schedule", async () => {
    await build("inputs")
    const job = registered(PULUMI_TYPES.Job, "gadgetron-distributed-job").inputs as unknown as Objects.Job
    assert.deepEqual(job.metadata.labels, { "tyger-job": "gadgetron-distributed", "tyger-run": "gadgetron-distributed" })
    const main = job.spec.template.spec.containers.find((c) => c.name === "main")!
    const hosts = [0, 1, 2, 3, 4].map((i) => `gadgetron-distributed-worker-${i}.gadgetron-distributed-worker.tyger.svc.cluster.local`)
    assert.deepEqual(main.env?.map((e) => e.name), [
      "TYGER_RUN_ID", "GADGETRON_REMOTE_WORKER_COMMAND", "INPUT_PIPE", "OUTPUT_PIPE",
      "TYGER_WORKER_NODES", "TYGER_GADGETRON_WORKER_ENDPOINT_ADDRESSES", "GADGETRON_WORKER_ADDRESSES"
    ])
    assert.equal(main.env?.find((e) => e.name === "TYGER_WORKER_NODES")?.value, JSON.stringify(hosts))
    const sts = registered(PULUMI_TYPES.StatefulSet, "gadgetron-distributed-worker").inputs as unknown as Objects.StatefulSet
    assert.equal(sts.spec.replicas, 5)
    assert.equal(sts.spec.serviceName, "gadgetron-distributed-worker")
    assert.deepEqual(sts.spec.template.metadata.labels, { "tyger-run": "gadgetron-distributed", "tyger-worker": "gadgetron-distributed" })
    const service = registered(PULUMI_TYPES.Service, "gadgetron-distributed-worker").inputs as unknown as Objects.Service
    assert.equal(service.spec.clusterIP, "None")
    const cron = registered(PULUMI_TYPES.CronJob, "nightly-hello").inputs as unknown as Objects.CronJob
    assert.equal(cron.spec.schedule, "30 2 * * *")
    assert.equal(cron.spec.timeZone, "Europe/Berlin")
    assert.equal(cron.spec.jobTemplate.spec.template.spec.restartPolicy, "Never")
    const secret = registered(PULUMI_TYPES.Secret, "gadgetron-snr-buffers").inputs
    // The Kubernetes SDK always sends a Secret's data as a Pulumi secret.
    assert.ok(Mocks.isSecretInput(secret["stringData"]))
    assert.deepEqual(Mocks.unsecret(secret["stringData"]), {
      input: "tyger-ts:unbound:create",
      noisecovariance: "tyger-ts:unbound:run-output/gadgetron-noise/noisecovariance",
      output: "tyger-ts:unbound:create"
    })
    const role = registered(PULUMI_TYPES.Role, "nightly-hello-buffer-sidecar").inputs as unknown as Objects.Role
    assert.deepEqual(role.rules, [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }])
    const binding = registered(PULUMI_TYPES.RoleBinding, "nightly-hello-buffer-sidecar").inputs as unknown as Objects.RoleBinding
    assert.deepEqual(binding.metadata.labels, { "tyger-run": "nightly-hello" })
    assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "nightly-hello-buffer-sidecar" })
    assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "default", namespace: "tyger" }])
  })

  test("a Job depends on its Secret, its sidecars' Role and RoleBinding, and the Jobs of the runs it reads from", async () => {
    const component = await build("order")
    const prerequisites = (run: string) =>
      [`Secret/${run}-buffers`, `Role/${run}-buffer-sidecar`, `RoleBinding/${run}-buffer-sidecar`].map((id) => component.resources.get(id))
    const snr = optionsOf(PULUMI_TYPES.Job, "gadgetron-snr-job")
    assert.deepEqual(snr.dependsOn, [...prerequisites("gadgetron-snr"), component.resources.get("Job/gadgetron-noise-job")])
    assert.deepEqual(optionsOf(PULUMI_TYPES.Job, "gadgetron-noise-job").dependsOn, prerequisites("gadgetron-noise"))
    assert.deepEqual(optionsOf(PULUMI_TYPES.CronJob, "nightly-hello").dependsOn, prerequisites("nightly-hello"))
    assert.deepEqual(optionsOf(PULUMI_TYPES.StatefulSet, "gadgetron-distributed-worker").dependsOn, [])
    assert.deepEqual(optionsOf(PULUMI_TYPES.RoleBinding, "gadgetron-snr-buffer-sidecar").dependsOn, [])
  })

  test("bufferUrls (e.g. secret stack config) reach only the Secrets, as Pulumi secrets, shared for run outputs", async () => {
    const urls = pulumi.secret({ "gadgetron-noise": { noisecovariance: "https://acct.blob.core.windows.net/noise?sig=x" } })
    const component = await build("urls", { bufferUrls: urls })
    const secret = component.resources.get("Secret/gadgetron-snr-buffers") as unknown as { stringData: pulumi.Output<Record<string, string>> }
    assert.equal(await pulumi.isSecret(secret.stringData), true)
    assert.deepEqual(await Mocks.valueOf(secret.stringData), {
      input: "tyger-ts:unbound:create",
      noisecovariance: "https://acct.blob.core.windows.net/noise?sig=x",
      output: "tyger-ts:unbound:create"
    })
    const job = registered(PULUMI_TYPES.Job, "gadgetron-snr-job").inputs as unknown as Objects.Job
    assert.ok(!JSON.stringify(job).includes("sig=x"))
  })

  test("awaitCompletion leaves Pulumi's readiness await on", async () => {
    await build("await", { awaitCompletion: true })
    for (const registration of Mocks.registrations.filter((r) => r.type !== TYPE)) {
      const metadata = registration.inputs["metadata"] as Objects.ObjectMeta
      assert.equal(metadata.annotations?.[SKIP_AWAIT], undefined, registration.name)
    }
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
    assert.deepEqual(Mocks.registrations, [])
  })
})
