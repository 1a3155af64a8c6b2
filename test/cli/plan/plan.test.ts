import assert from "node:assert/strict"
import * as Path from "node:path"
import { describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import { parse as parseYaml, parseAllDocuments } from "yaml"
import * as Plan from "../../../engine/plan/Plan.ts"
import * as BufferIds from "../../../providers/kubernetes/BufferIds.ts"
import { DOCKER_CAPABILITIES, KUBERNETES_CAPABILITIES } from "../../../cli/ProviderCapabilities.ts"
import { tempDir } from "../../support/Run.ts"
import { goldenNames, goldenPath } from "../../engine/plan/GoldenPlans.ts"
import { tyger } from "../Harness.ts"
import * as fs from "node:fs"
import process from "node:process"

const here = (import.meta as { readonly url: string }).url
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, here))

const session = () => {
  const dataDir = Path.join(tempDir("tyger-plan-"), "data")
  return (...args: ReadonlyArray<string>) => tyger({ dataDir }, ...args)
}

describe("tyger plan", () => {
  for (const name of goldenNames) {
    test(`the library's ${name} module prints its golden plan`, async () => {
      const run = session()
      const module = fileURLToPath(new URL(`../../../dsl/library/${name}.ts`, here))
      const result = await run("plan", module)
      assert.equal(result.stderr, "")
      assert.equal(result.code, 0)
      assert.equal(result.stdout, fs.readFileSync(goldenPath(name), "utf8"))
    })
  }

  test("a workflow module prints a plan that decodes with engine/Plan", async () => {
    const run = session()
    const result = await run("plan", fixture("workflow.ts"))
    assert.equal(result.stderr, "")
    assert.equal(result.code, 0)
    const plan = Plan.decodeUnknownSync(JSON.parse(result.stdout))
    assert.equal(plan.apiVersion, Plan.API_VERSION)
    assert.deepEqual(plan.codespecs.map((c) => c.name).sort(), ["greeter", "hello"])
    assert.deepEqual(plan.runs.map((r) => r.name), ["greet", "copy-greeting"])
    const copy = plan.runs[1]
    assert.deepEqual(copy?.dependsOn, ["greet"])
    assert.deepEqual(copy?.job.buffers["input"], { kind: "runOutput", run: "greet", parameter: "output" })
    assert.equal(result.stdout, Plan.toJsonString(plan))
  })

  test("--format yaml prints the same plan as YAML", async () => {
    const run = session()
    const json = await run("plan", fixture("workflow.ts"))
    const yaml = await run("plan", fixture("workflow.ts"), "--format", "yaml")
    assert.equal(yaml.code, 0)
    assert.deepEqual(Plan.decodeUnknownSync(parseYaml(yaml.stdout)), Plan.decodeUnknownSync(JSON.parse(json.stdout)))
  })

  test("a broken workflow: every problem on its own `Error: <file:line:column> <what> → <path>: <message>` line, exit 1", async () => {
    const run = session()
    const result = await run("plan", fixture("broken-workflow.ts"))
    assert.equal(result.code, 1)
    assert.equal(result.stdout, "")
    // Where the builders were called, relative to the working directory.
    const at = (line: number, column: number) => `${Path.relative(process.cwd(), fixture("broken-workflow.ts"))}:${line}:${column}`
    assert.equal(
      result.stderr,
      [
        `${at(5, 32)} codespec broken → image: The image field is required.`,
        `${at(5, 32)} codespec broken → buffers.inputs[0]: The name of buffer 'IN_PUT' is invalid. Buffer names must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character.`,
        `${at(7, 30)} run broken-run → timeoutSeconds: timeoutSeconds must be a whole number of at least 1`,
        `${at(9, 28)} run missing → job.codespec: The codespec 'no-such-codespec' was not found`
      ].map((line) => `Error: ${line}\n`).join("")
    )
  })

  test("a YAML run file resolves its named codespec from the store", async () => {
    const run = session()
    const missing = await run("plan", fixture("hello-run.yaml"))
    assert.equal(missing.code, 1)
    assert.equal(missing.stderr, "Error: runs.hello-run.job.codespec: The codespec 'hello' was not found\n")
    assert.equal((await run("codespec", "create", "hello", "--image", "busybox", "-i", "input", "-o", "output")).stdout, "1\n")
    assert.equal((await run("codespec", "create", "hello", "--image", "busybox:1.36", "-i", "input", "-o", "output")).stdout, "2\n")
    const result = await run("plan", fixture("hello-run.yaml"))
    assert.equal(result.stderr, "")
    const plan = Plan.decodeUnknownSync(JSON.parse(result.stdout))
    const [codespec] = plan.codespecs
    assert.equal(codespec?.name, "hello")
    assert.equal(codespec?.version, 2)
    assert.equal(codespec?.spec.image, "busybox:1.36")
    assert.equal(plan.runs[0]?.job.codespec, codespec?.id)
    assert.deepEqual(plan.runs[0]?.requires, ["EphemeralBuffers"])
  })

  test("--provider refuses what the provider cannot run", async () => {
    const run = session()
    await run("codespec", "create", "hello", "--image", "busybox", "-i", "input", "-o", "output")
    const result = await run("plan", fixture("hello-run.yaml"), "--provider", "kubernetes")
    assert.equal(result.code, 1)
    assert.equal(result.stderr, "Error: runs.hello-run: Ephemeral buffers are not supported.\n")
    assert.ok(!DOCKER_CAPABILITIES.has("Identities"))
    assert.ok(!KUBERNETES_CAPABILITIES.has("EphemeralBuffers") && KUBERNETES_CAPABILITIES.has("Schedules"))
  })

  test("a YAML codespec file plans its codespec; argument errors are cobra's", async () => {
    const run = session()
    const result = await run("plan", fixture("codespec.yaml"))
    assert.equal(result.code, 0)
    const plan = Plan.decodeUnknownSync(JSON.parse(result.stdout))
    assert.equal(plan.codespecs[0]?.name, "from-yaml")
    assert.deepEqual(plan.runs, [])
    const noFile = await run("plan")
    assert.equal(noFile.stderr, "Error: accepts 1 arg(s), received 0\n")
    const badFormat = await run("plan", fixture("workflow.ts"), "--format", "xml")
    assert.equal(badFormat.stderr, "Error: invalid argument \"xml\" for \"--format\" flag: must be 'json', 'yaml'\n")
    const badProvider = await run("plan", fixture("workflow.ts"), "--provider", "nomad")
    assert.equal(badProvider.stderr, "Error: invalid argument \"nomad\" for \"--provider\" flag: must be 'docker', 'kubernetes'\n")
  })

  test("--storage-account: container URLs and create-buffers instead of placeholders; --blob-endpoint, --storage-key-secret", async () => {
    const run = session()
    const module = fileURLToPath(new URL("../../../dsl/library/hello.ts", here))
    const k8s = (...flags: ReadonlyArray<string>) => run("plan", module, "--provider", "kubernetes", "--format", "yaml", ...flags)
    const without = await k8s()
    assert.match(without.stdout, /tyger-ts:unbound:create/)
    const result = await k8s("--storage-account", "acct", "--storage-key-secret", "tyger-storage")
    assert.equal(result.stderr, "")
    assert.equal(result.code, 0)
    assert.doesNotMatch(result.stdout, /tyger-ts:unbound:/)
    const objects = parseAllDocuments(result.stdout).map((d) => d.toJS())
    const id = (parameter: string) => BufferIds.runBufferId("default", "hello", parameter)
    assert.deepEqual(objects.find((o) => o.kind === "Secret")?.stringData, {
      input: `https://acct.blob.core.windows.net/${id("input")}`,
      output: `https://acct.blob.core.windows.net/${id("output")}`
    })
    const pod = objects.find((o) => o.kind === "Job")?.spec.template.spec
    const create = pod.initContainers[0]
    assert.equal(create.name, "create-buffers")
    assert.deepEqual(create.args.slice(-2), [`input=${id("input")}`, `output=${id("output")}`])
    assert.deepEqual(create.env, [{ name: "AZURE_STORAGE_KEY", valueFrom: { secretKeyRef: { key: "accountKey", name: "tyger-storage" } } }])
    const azurite = await k8s("--storage-account", "devstoreaccount1", "--blob-endpoint", "http://azurite:10000/devstoreaccount1")
    assert.equal(azurite.code, 0)
    assert.match(azurite.stdout, new RegExp(`input: http://azurite:10000/devstoreaccount1/${id("input")}\n`))
    assert.doesNotMatch(azurite.stdout, /AZURE_STORAGE_KEY/)
  })

  test("storage flags: an account name Azure accepts, an http(s) endpoint, and both qualifiers need the account", async () => {
    const run = session()
    const module = fileURLToPath(new URL("../../../dsl/library/hello.ts", here))
    const k8s = (...flags: ReadonlyArray<string>) => run("plan", module, "--provider", "kubernetes", "--format", "yaml", ...flags)
    const failures = [
      [["--storage-account", "My_Account"], "invalid argument \"My_Account\" for \"--storage-account\" flag: must be 3 to 24 lower case letters and digits"],
      [["--storage-account", "acct", "--blob-endpoint", "azurite:10000"], "invalid argument \"azurite:10000\" for \"--blob-endpoint\" flag: must be an http or https URL"],
      [["--storage-key-secret", "tyger-storage"], "the option --storage-key-secret requires --storage-account"],
      [["--blob-endpoint", "http://azurite:10000/devstoreaccount1"], "the option --blob-endpoint requires --storage-account"]
    ] as const
    for (const [flags, message] of failures) {
      const result = await k8s(...flags)
      assert.equal(result.code, 1, flags.join(" "))
      assert.equal(result.stdout, "")
      assert.equal(result.stderr, `Error: ${message}\n`)
    }
  })
})
