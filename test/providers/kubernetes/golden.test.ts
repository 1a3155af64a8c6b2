import assert from "node:assert/strict"
import * as Path from "node:path"
import { describe, test } from "node:test"
import { parse as parseYaml, parseAllDocuments } from "yaml"
import { KUBERNETES_CAPABILITIES } from "../../../cli/ProviderCapabilities.ts"
import * as Plan from "../../../engine/plan/Plan.ts"
import { CAPABILITIES } from "../../../providers/kubernetes/Capabilities.ts"
import { toYaml } from "../../../providers/kubernetes/Yaml.ts"
import { tempDir } from "../../support/Run.ts"
import { tyger } from "../../cli/Harness.ts"
import { goldenFlags, K8S_GOLDEN_MODULES, modulePath, objectsOf, readGolden, renderGolden } from "./GoldenManifests.ts"

const session = () => {
  const dataDir = Path.join(tempDir("tyger-k8s-plan-"), "data")
  return (...args: ReadonlyArray<string>) => tyger({ dataDir }, ...args)
}

describe("golden manifests (test/providers/kubernetes/golden; update-golden.ts rewrites them)", () => {
  for (const name of K8S_GOLDEN_MODULES) {
    test(`${name}: manifests are byte-equal to ${name}.k8s.yaml and parse back to the same objects`, async () => {
      const golden = readGolden(name)
      assert.equal(await renderGolden(name), golden)
      const documents = parseAllDocuments(golden)
      assert.ok(Array.isArray(documents))
      for (const document of documents) assert.deepEqual(document.errors, [])
      assert.deepEqual(documents.map((d) => d.toJS()), JSON.parse(JSON.stringify(await objectsOf(name))))
    })
  }
})

describe("tyger plan --provider kubernetes", () => {
  for (const name of K8S_GOLDEN_MODULES) {
    test(`--format yaml prints ${name}'s manifests, byte for byte (storage flags included)`, async () => {
      const run = session()
      const result = await run("plan", modulePath(name), "--provider", "kubernetes", "--format", "yaml", ...goldenFlags(name))
      assert.equal(result.stderr, "")
      assert.equal(result.code, 0)
      assert.equal(result.stdout, readGolden(name))
    })
  }

  test("the plan stays reachable: JSON with the provider, YAML without one", async () => {
    const run = session()
    const json = await run("plan", modulePath("daphne"), "--provider", "kubernetes")
    assert.equal(json.code, 0)
    const plan = Plan.decodeUnknownSync(JSON.parse(json.stdout))
    const yaml = await run("plan", modulePath("daphne"), "--format", "yaml")
    assert.equal(yaml.code, 0)
    assert.deepEqual(Plan.decodeUnknownSync(parseYaml(yaml.stdout)), plan)
    // The plan is provider-neutral: the Docker provider runs workers too, and only refuses what it lacks (schedules).
    const docker = await run("plan", modulePath("daphne"), "--provider", "docker")
    assert.equal(docker.code, 0)
    assert.deepEqual(Plan.decodeUnknownSync(JSON.parse(docker.stdout)), plan)
    const nightly = await run("plan", modulePath("nightly"), "--provider", "docker", "--format", "yaml")
    // At the line of the library module that built the run.
    assert.match(nightly.stderr, /^Error: \S*dsl\/library\/nightly\.ts:\d+:\d+ run nightly-hello: the docker provider does not support schedules\n$/)
  })

  test("defaults: namespace 'default' and the package's image; a bad namespace is cobra's invalid argument", async () => {
    const run = session()
    const result = await run("plan", modulePath("hello"), "--provider", "kubernetes", "--format", "yaml")
    assert.equal(result.code, 0)
    const objects = parseAllDocuments(result.stdout).map((d) => d.toJS())
    assert.ok(objects.every((o) => o.metadata.namespace === "default"))
    assert.match(result.stdout, /image: tyger-ts:\d+\.\d+\.\d+/)
    const bad = await run("plan", modulePath("hello"), "--provider", "kubernetes", "--format", "yaml", "--namespace", "Tyger")
    assert.equal(bad.code, 1)
    assert.equal(bad.stdout, "")
    assert.equal(bad.stderr,
      "Error: invalid argument \"Tyger\" for \"--namespace\" flag: must be a DNS-1123 label (lower case alphanumeric characters or '-', at most 63)\n")
  })
})

describe("capabilities", () => {
  test("the CLI's list for kubernetes is the provider's own", () => {
    assert.deepEqual([...KUBERNETES_CAPABILITIES].sort(), [...CAPABILITIES].sort())
  })

  test("shared subtrees never print as YAML aliases", () => {
    const labels = { "tyger-run": "x" }
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: "x", labels }, type: "Opaque", stringData: labels } as const
    assert.doesNotMatch(toYaml([secret]), /[&*]a1/)
  })
})
