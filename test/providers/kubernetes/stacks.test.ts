// The Pulumi project: Pulumi.yaml loads stacks/index.ts the way Pulumi's Node.js host would, and the stack programs,
// run under the mock monitor with stack configuration, create the expected resources.
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { beforeEach, describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import * as pulumi from "@pulumi/pulumi"
import { parse as parseYaml } from "yaml"
import { compile } from "../../../stacks/compile.ts"
import * as Codespec from "../../../dsl/Codespec.ts"
import * as Run from "../../../dsl/Run.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import * as BufferIds from "../../../providers/kubernetes/BufferIds.ts"
import { UNBOUND_PREFIX } from "../../../providers/kubernetes/Contract.ts"
import type * as Objects from "../../../providers/kubernetes/Objects.ts"
import { JOB_IGNORE_CHANGES } from "../../../providers/kubernetes/WorkflowComponent.ts"
import type { StackOutputs } from "../../../stacks/programs.ts"
import * as Mocks from "./PulumiMocks.ts"

const here = (import.meta as { readonly url: string }).url
const root = fileURLToPath(new URL("../../../", here))
const NODE = fileURLToPath(new URL("../../../node_modules/.bin/node", here))

interface PulumiProject {
  readonly name: string
  readonly runtime: { readonly name: string; readonly options: { readonly typescript: boolean; readonly nodeargs: string } }
  readonly main: string
  readonly config: { readonly [key: string]: unknown }
}

const project = (): PulumiProject => parseYaml(fs.readFileSync(`${root}Pulumi.yaml`, "utf8"))

const STACK_TYPE = "pulumi:pulumi:Stack"

/**
 * What the stack program returns (its outputs), what it registered and with which options: run as Pulumi's Node.js
 * host runs it, inside the root Stack resource, whose transformation records every resource's options.
 */
const runStack = async (stack: string, config: Record<string, string>, secretKeys: ReadonlyArray<string> = []) => {
  await Mocks.install(stack)
  pulumi.runtime.setAllConfig(config, [...secretKeys])
  const program = (await import("../../../stacks/index.ts")).default
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation(Mocks.recordOptions)
    return program()
  }) as unknown as StackOutputs
  // The program returns once its resources are constructed; their registrations reach the mock monitor a few turns
  // later (the stack, the component, one per object).
  for (let waited = 0; Mocks.registrations.length < outputs.objects.length + 2 && waited < 5000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return { outputs, registrations: Mocks.registrations.filter((r) => r.type !== STACK_TYPE) }
}

/** The program alone, outside a Stack resource: for programs that fail before registering anything. */
const runProgram = async (stack: string, config: Record<string, string>) => {
  await Mocks.install(stack)
  pulumi.runtime.setAllConfig(config, [])
  return (await import("../../../stacks/index.ts")).default()
}

const optionsOf = (type: string, name: string): Mocks.Options => {
  const found = Mocks.options.find((o) => o.type === type && o.name === name)
  assert.ok(found !== undefined, `options of ${type} ${name}`)
  return found
}

/** The Pulumi names of the resources a resource depends on (`dependsOn`), from their URNs. */
const dependencies = async (options: Mocks.Options): Promise<ReadonlyArray<string>> =>
  Promise.all(options.dependsOn.map(async (r) => (await Mocks.valueOf(r.urn)).replace(/^.*::/, "")))

const inputsOf = (registrations: ReadonlyArray<Mocks.Registration>, type: string, name: string) => {
  const found = registrations.find((r) => r.type === type && r.name === name)
  assert.ok(found !== undefined, `${type} ${name}`)
  return Mocks.unsecret(found.inputs) as Record<string, unknown>
}

describe("Pulumi.yaml", () => {
  test("a Node.js program without ts-node: main is stacks/, whose index.ts Pulumi imports as an ES module", () => {
    const { name, runtime, main } = project()
    assert.equal(name, "tyger-ts")
    assert.equal(runtime.name, "nodejs")
    // Node >= 22.18 strips types itself; Pulumi's `typescript: true` would bring ts-node (CommonJS) instead.
    assert.equal(runtime.options.typescript, false)
    assert.equal(main, "stacks/")
    const pkg = JSON.parse(fs.readFileSync(`${root}package.json`, "utf8"))
    // Pulumi dynamic-imports the entry only when package.json says "module"; for a directory it takes index.js,
    // index.mjs, index.ts, index.mts, in that order, so no index.js may shadow index.ts.
    assert.equal(pkg.type, "module")
    assert.match(pkg.engines.node, /^>=22\.(19|[2-9]\d)/)
    assert.ok(fs.existsSync(`${root}stacks/index.ts`))
    assert.ok(!fs.existsSync(`${root}stacks/index.js`) && !fs.existsSync(`${root}stacks/index.mjs`))
  })

  test("stacks/index.ts has only a default export (Pulumi refuses a default export next to named ones)", async () => {
    const module = await import("../../../stacks/index.ts")
    assert.deepEqual(Object.keys(module), ["default"])
    assert.equal(typeof module.default, "function")
  })

  test("Node 22 loads stacks/index.ts with Pulumi.yaml's nodeargs and nothing else", () => {
    const { runtime } = project()
    const result = spawnSync(NODE, [...runtime.options.nodeargs.split(/\s+/).filter(Boolean), "--input-type=module", "-e",
      `const m = await import(${JSON.stringify(`${root}stacks/index.ts`)}); console.log(typeof m.default)`], { encoding: "utf8", cwd: root })
    assert.equal(result.stderr, "")
    assert.equal(result.stdout, "function\n")
    assert.equal(result.status, 0)
  })

  test("Secrets are updated in place: the project configures the Kubernetes provider with enableSecretMutable", () => {
    // Project-level config is every stack's default; provider-namespaced keys take a plain value (no type).
    assert.deepEqual(project().config, { "kubernetes:enableSecretMutable": "true" })
  })
})

const IMAGE = "registry.example/tyger-ts:1"
const KEY = "c3RvcmFnZS1rZXk="

describe("stack programs (Pulumi mocks, configuration read once at the root)", () => {
  beforeEach(Mocks.reset)

  test("nightly: the schedule as a CronJob with its Secret of container URLs, the storage key, in the configured namespace", async () => {
    const { outputs, registrations } = await runStack("nightly", {
      "tyger-ts:namespace": "tyger",
      "tyger-ts:image": IMAGE,
      "tyger-ts:storageAccount": "tygerdata",
      "tyger-ts:storageAccountKey": KEY
    }, ["tyger-ts:storageAccountKey"])
    assert.deepEqual(outputs.objects, [
      "Secret/nightly-storage-key",
      "Secret/nightly-hello-buffers", "Role/nightly-hello-buffer-sidecar", "RoleBinding/nightly-hello-buffer-sidecar", "CronJob/nightly-hello"
    ])
    assert.deepEqual(outputs.buffers, { "nightly-hello": { input: "nightlyinputbuffer000000000" } })
    // In any order: a registration waits for its inputs (the key's, a secret Output, arrives last).
    assert.deepEqual(registrations.map((r) => `${r.type} ${r.name}`).sort(), [
      "tyger-ts:kubernetes:Workflow nightly",
      "kubernetes:core/v1:Secret nightly-storage-key",
      "kubernetes:core/v1:Secret nightly-nightly-hello-buffers",
      "kubernetes:rbac.authorization.k8s.io/v1:Role nightly-nightly-hello-buffer-sidecar",
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding nightly-nightly-hello-buffer-sidecar",
      "kubernetes:batch/v1:CronJob nightly-nightly-hello"
    ].sort())
    const cron = inputsOf(registrations, "kubernetes:batch/v1:CronJob", "nightly-nightly-hello") as unknown as Objects.CronJob
    assert.equal(cron.metadata.namespace, "tyger")
    assert.deepEqual(cron.metadata.labels, { "tyger-run": "nightly-hello" })
    assert.equal(cron.spec.schedule, "30 2 * * *")
    assert.equal(cron.spec.concurrencyPolicy, "Forbid")
    const pod = cron.spec.jobTemplate.spec.template.spec
    assert.equal(pod.containers.find((c) => c.name === "main")?.image, "ubuntu")
    for (const helper of [...pod.containers, ...(pod.initContainers ?? [])].filter((c) => c.name !== "main")) assert.equal(helper.image, IMAGE)
    // The pods sign with the key kept in the component's Secret.
    assert.ok(JSON.stringify(pod).includes("nightly-storage-key"))
    const key = inputsOf(registrations, "kubernetes:core/v1:Secret", "nightly-storage-key") as unknown as Objects.Secret
    assert.deepEqual(key.stringData, { accountKey: KEY })
    assert.equal(key.metadata.namespace, "tyger")
    // A known id is a container URL; the output is made by each execution, so it is not the Secret's.
    const secret = inputsOf(registrations, "kubernetes:core/v1:Secret", "nightly-nightly-hello-buffers") as unknown as Objects.Secret
    assert.deepEqual(secret.stringData, { input: "https://tygerdata.blob.core.windows.net/nightlyinputbuffer000000000" })
    // The CronJob is updated in place and waits for its Secret, RBAC and key.
    const options = optionsOf("kubernetes:batch/v1:CronJob", "nightly-nightly-hello")
    assert.equal(options.ignoreChanges, undefined)
    assert.deepEqual(await dependencies(options), [
      "nightly-storage-key", "nightly-nightly-hello-buffers", "nightly-nightly-hello-buffer-sidecar", "nightly-nightly-hello-buffer-sidecar"
    ])
  })

  test("distributed: DAPHNE's Job, then its workers owned by it; container URLs for the buffers the run creates", async () => {
    const { outputs, registrations } = await runStack("dev", {
      "tyger-ts:program": "distributed",
      "tyger-ts:namespace": "science",
      "tyger-ts:image": IMAGE,
      "tyger-ts:storageAccount": "tygerdata",
      "tyger-ts:storageAccountKey": KEY,
      "tyger-ts:rerun": JSON.stringify({ daphne: 2 })
    }, ["tyger-ts:storageAccountKey"])
    assert.deepEqual(outputs.objects, [
      "Secret/distributed-storage-key", "Secret/daphne-buffers", "Role/daphne-buffer-sidecar", "RoleBinding/daphne-buffer-sidecar",
      "Service/daphne-worker", "StatefulSet/daphne-worker", "Job/daphne-job"
    ])
    const ids = { result: BufferIds.runBufferId("science", "daphne", "result"), script: BufferIds.runBufferId("science", "daphne", "script") }
    assert.deepEqual(outputs.buffers, { daphne: ids })
    const job = inputsOf(registrations, "kubernetes:batch/v1:Job", "distributed-daphne-job") as unknown as Objects.Job
    assert.equal(job.metadata.namespace, "science")
    assert.equal(job.metadata.annotations?.["tyger-ts/rerun"], "2")
    const main = job.spec.template.spec.containers.find((c) => c.name === "main")!
    const hosts = [0, 1, 2].map((i) => `daphne-worker-${i}.daphne-worker.science.svc.cluster.local:50051`)
    assert.equal(main.env?.find((e) => e.name === "DISTRIBUTED_WORKERS")?.value, hosts.join(","))
    assert.equal(job.spec.template.spec.containers.find((c) => c.name === "script-buffer-sidecar")?.image, IMAGE)
    // Every buffer the stack creates has its container URL: nothing waits on a placeholder.
    const secret = inputsOf(registrations, "kubernetes:core/v1:Secret", "distributed-daphne-buffers") as unknown as Objects.Secret
    assert.deepEqual(secret.stringData, {
      result: `https://tygerdata.blob.core.windows.net/${ids.result}`,
      script: `https://tygerdata.blob.core.windows.net/${ids.script}`
    })
    assert.ok(Object.values(secret.stringData).every((url) => !url.startsWith(UNBOUND_PREFIX)))
    const jobOptions = optionsOf("kubernetes:batch/v1:Job", "distributed-daphne-job")
    assert.deepEqual(jobOptions.ignoreChanges, JOB_IGNORE_CHANGES)
    assert.deepEqual(jobOptions.replaceOnChanges, ['metadata.annotations["tyger-ts/rerun"]'])
    assert.deepEqual(await dependencies(jobOptions), [
      "distributed-storage-key", "distributed-daphne-buffers", "distributed-daphne-buffer-sidecar", "distributed-daphne-buffer-sidecar"
    ])
    for (const type of ["kubernetes:apps/v1:StatefulSet", "kubernetes:core/v1:Service"]) {
      const workers = inputsOf(registrations, type, "distributed-daphne-worker") as { metadata: { ownerReferences: unknown } }
      assert.deepEqual(workers.metadata.ownerReferences, [
        { apiVersion: "batch/v1", kind: "Job", name: "daphne-job", uid: "distributed-daphne-job-uid", blockOwnerDeletion: false }
      ], type)
      assert.deepEqual(await dependencies(optionsOf(type, "distributed-daphne-worker")), ["distributed-daphne-job"], type)
    }
    const sts = inputsOf(registrations, "kubernetes:apps/v1:StatefulSet", "distributed-daphne-worker") as unknown as Objects.StatefulSet
    assert.equal(sts.spec.replicas, 3)
    const binding = inputsOf(registrations, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "distributed-daphne-buffer-sidecar") as unknown as Objects.RoleBinding
    assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "default", namespace: "science" }])
  })

  test("buffer URLs from secret config reach the Secret; the other keys reach the manifests", async () => {
    const { registrations } = await runStack("dev", {
      "tyger-ts:program": "distributed",
      "tyger-ts:image": IMAGE,
      "tyger-ts:storageAccount": "tygerdata",
      "tyger-ts:blobEndpoint": "http://azurite.default.svc.cluster.local:10000/devstoreaccount1",
      "tyger-ts:storageKeySecret": "azurite-key",
      "tyger-ts:workerWaitSeconds": "120",
      "tyger-ts:clusterDomain": "cluster.example",
      "tyger-ts:bufferUrls": JSON.stringify({ daphne: { script: "https://acct/script?sig=s" } })
    }, ["tyger-ts:bufferUrls"])
    const secret = inputsOf(registrations, "kubernetes:core/v1:Secret", "distributed-daphne-buffers") as unknown as Objects.Secret
    assert.deepEqual(secret.stringData, {
      result: `http://azurite.default.svc.cluster.local:10000/devstoreaccount1/${BufferIds.runBufferId("default", "daphne", "result")}`,
      script: "https://acct/script?sig=s"
    })
    assert.ok(!registrations.some((r) => r.name === "distributed-storage-key"))
    const job = inputsOf(registrations, "kubernetes:batch/v1:Job", "distributed-daphne-job") as unknown as Objects.Job
    const text = JSON.stringify(job.spec)
    assert.ok(text.includes("azurite-key") && text.includes("--timeout") && text.includes("120s"), text)
    assert.ok(text.includes("daphne-worker-0.daphne-worker.default.svc.cluster.example:50051"))
    assert.ok(!text.includes("sig=s"))
  })

  test("a missing image is refused with what to set, before anything is registered", async () => {
    await assert.rejects(runProgram("nightly", { "tyger-ts:storageAccount": "tygerdata" }), (error: unknown) => {
      assert.ok(pulumi.RunError.isInstance(error))
      assert.match((error as Error).message, /^tyger-ts:image is required: this package's image for the helper containers/)
      assert.match((error as Error).message, /pulumi config set tyger-ts:image <registry>\/tyger-ts:<version>/)
      return true
    })
    assert.deepEqual(Mocks.registrations, [])
  })

  test("a workflow Kubernetes cannot run is refused at the stack's edge, every problem listed", async () => {
    const hello = Codespec.job({ name: "pipe", image: "busybox", buffers: { inputs: ["input"] } })
    // @ts-expect-error "Bad_Name" fails to compile too; the stack must still refuse it, for plain JavaScript
    const broken = Workflow.make({ runs: [Run.job(hello, { name: "ephemeral", buffers: { input: "_" } }), Run.job(hello, { name: "Bad_Name" })] })
    await assert.rejects(compile(broken), (error: unknown) => {
      assert.ok(pulumi.RunError.isInstance(error))
      // Each at the builder call in this file (line and column left out: edits move them).
      assert.equal((error as Error).message.replace(/\S*stacks\.test\.ts:\d+:\d+ /g, "stacks.test.ts "), [
        "the workflow does not compile:",
        "stacks.test.ts run ephemeral: Ephemeral buffers are not supported.",
        "stacks.test.ts run Bad_Name: run names must consist of lower case alphanumeric characters or '-', start and end with an alphanumeric character, and be at most 52 characters"
      ].join("\n"))
      return true
    })
  })

  test("an unknown program is refused with the known ones, before anything is registered", async () => {
    await assert.rejects(runProgram("staging", { "tyger-ts:image": IMAGE }), (error: unknown) => {
      assert.ok(pulumi.RunError.isInstance(error))
      assert.equal((error as Error).message, "unknown program 'staging': set tyger-ts:program to one of nightly, distributed")
      return true
    })
    assert.deepEqual(Mocks.registrations, [])
  })
})
