// The component against a real cluster: `pulumi up` of a stack holding the hello run, input written to its buffer,
// the Job succeeding through its sidecars, the greeting read back, a second `pulumi up` with another helper image
// leaving the finished Job alone, `pulumi destroy`. Runs only where everything it
// needs is configured; otherwise every test is skipped and the reason printed (mocks never stand in for this).
//
//   KUBECONFIG                   a cluster to use (a namespace `tyger-ts-test-<random>` is created and deleted)
//   pulumi, kubectl              on PATH
//   TYGER_TS_K8S_IMAGE           this package's image, pullable by the cluster, with the `tyger` sub-commands of
//                                providers/kubernetes/Contract.ts (required, as the stacks' `tyger-ts:image`)
//   TYGER_TS_K8S_BUFFER_URLS     {"input": "<url>", "output": "<url>"}: access URLs (read + create) of two new, empty
//                                buffers the cluster can reach
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import * as Path from "node:path"
import { after, describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import * as pulumi from "@pulumi/pulumi"
import * as Library from "../../../dsl/library/index.ts"
import * as Workflow from "../../../dsl/Workflow.ts"
import { WorkflowComponent } from "../../../providers/kubernetes/WorkflowComponent.ts"
import { tempDir } from "../../support/Run.ts"
import { compileForKubernetes } from "./Fixtures.ts"

const here = (import.meta as { readonly url: string }).url
const TYGER = fileURLToPath(new URL("../../../bin/tyger", here))

const onPath = (command: string, args: ReadonlyArray<string>): boolean => {
  const result = spawnSync(command, [...args], { encoding: "utf8", timeout: 30_000 })
  return result.status === 0
}

const bufferUrls = (): { readonly input: string; readonly output: string } | undefined => {
  try {
    const parsed = JSON.parse(process.env["TYGER_TS_K8S_BUFFER_URLS"] ?? "")
    return typeof parsed?.input === "string" && typeof parsed?.output === "string" ? parsed : undefined
  } catch {
    return undefined
  }
}

const reason = (): string | false => {
  if ((process.env["KUBECONFIG"] ?? "") === "") return "KUBECONFIG is not set"
  if (!onPath("pulumi", ["version"])) return "the pulumi CLI is not on PATH"
  if (!onPath("kubectl", ["version", "--client"])) return "kubectl is not on PATH"
  if ((process.env["TYGER_TS_K8S_IMAGE"] ?? "") === "") return "TYGER_TS_K8S_IMAGE (the tyger-ts image for the sidecars) is not set"
  if (bufferUrls() === undefined) return "TYGER_TS_K8S_BUFFER_URLS ({\"input\": url, \"output\": url}) is not set"
  return false
}

const skip = reason()
if (skip !== false) process.stderr.write(`SKIPPING Kubernetes cluster tests. ${skip}\n`)

const run = (command: string, args: ReadonlyArray<string>, input?: string) => {
  const result = spawnSync(command, [...args], { encoding: "utf8", input, timeout: 600_000 })
  assert.equal(result.status, 0, `${command} ${args.join(" ")}: ${result.stderr}`)
  return result.stdout
}

describe("Kubernetes cluster (pulumi up of the component)", () => {
  const namespace = `tyger-ts-test-${randomBytes(4).toString("hex")}`
  const stackName = `cluster-${randomBytes(4).toString("hex")}`
  let stack: pulumi.automation.Stack | undefined

  after(async () => {
    if (skip !== false) return
    try {
      await stack?.destroy()
      await stack?.workspace.removeStack(stackName)
    } finally {
      spawnSync("kubectl", ["delete", "namespace", namespace, "--wait=false"])
    }
  })

  test("the hello run succeeds through its buffers", { skip }, async () => {
    const urls = bufferUrls()!
    run("kubectl", ["create", "namespace", namespace])
    const plan = await compileForKubernetes(Workflow.make({ runs: [Library.Hello.helloRun] }))
    const backend = tempDir("tyger-k8s-pulumi-")
    let image = process.env["TYGER_TS_K8S_IMAGE"]!
    stack = await pulumi.automation.LocalWorkspace.createOrSelectStack({
      stackName,
      projectName: "tyger-ts",
      program: async () => {
        const workflow = new WorkflowComponent("cluster-test", { plan, namespace, image, bufferUrls: pulumi.secret({ hello: urls }) })
        return { objects: workflow.objectIds, buffers: workflow.bufferIds }
      }
    }, {
      envVars: { PULUMI_BACKEND_URL: `file://${Path.resolve(backend)}`, PULUMI_CONFIG_PASSPHRASE: "tyger-ts-test" }
    })
    // What Pulumi.yaml sets for the stacks: Secrets are updated in place.
    await stack.setConfig("kubernetes:enableSecretMutable", { value: "true" })
    const up = await stack.up()
    assert.equal(up.summary.result, "succeeded")
    assert.deepEqual(up.outputs["objects"]?.value, [
      "Secret/hello-buffers", "Role/hello-buffer-sidecar", "RoleBinding/hello-buffer-sidecar", "Job/hello-job"
    ])
    run(TYGER, ["buffer", "write", urls.input], "Ada")
    run("kubectl", ["wait", "-n", namespace, "--for=condition=complete", "job/hello-job", "--timeout=600s"])
    assert.equal(run(TYGER, ["buffer", "read", urls.output]), "Hello Ada\n")
    // A new helper image is in the Job's spec, which Pulumi ignores: the finished run is neither replaced nor re-run.
    const uid = () => run("kubectl", ["get", "-n", namespace, "job/hello-job", "-o", "jsonpath={.metadata.uid}"])
    const before = uid()
    image = `${image}-not-pulled`
    const again = await stack.up()
    assert.equal(again.summary.resourceChanges?.["replace"], undefined)
    assert.equal(again.summary.resourceChanges?.["create"], undefined)
    assert.equal(uid(), before)
  })
})
