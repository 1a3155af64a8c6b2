// `tyger login --local`, `login status`, `logout` (issue 15): the first lines of every Tyger guide work, with the
// data directory standing for the server; Tyger's argument rules and messages; cloud flags accepted with a warning.
import assert from "node:assert/strict"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { describe, test } from "node:test"
import { tempDir } from "../../support/Run.ts"
import { tyger } from "../Harness.ts"

const session = () => {
  const dataDir = Path.join(tempDir("tyger-login-"), "data")
  return { dataDir, run: (...args: ReadonlyArray<string>) => tyger({ dataDir }, ...args) }
}

describe("tyger login", () => {
  test("`login --local` opens the data directory and prints nothing; `login status` names it; `logout` succeeds", async () => {
    const { dataDir, run } = session()
    assert.deepEqual(await run("login", "--local"), { code: 0, stdout: "", stderr: "" })
    assert.ok(Fs.existsSync(Path.join(dataDir, "tyger.db")))
    assert.deepEqual(await run("login", "status"), { code: 0, stdout: `You are logged in to ${dataDir}\n`, stderr: "" })
    const json = await run("login", "status", "--format", "json")
    assert.equal(json.code, 0)
    assert.deepEqual(JSON.parse(json.stdout), {
      serverUrl: dataDir,
      metadata: { capabilities: ["DistributedRuns", "Docker", "LocalBuffers"], apiVersions: ["1.0"] }
    })
    assert.deepEqual(await run("logout"), { code: 0, stdout: "", stderr: "" })
  })

  test("Tyger's argument rules and messages", async () => {
    const { run } = session()
    const refused = async (args: ReadonlyArray<string>, message: string) =>
      assert.deepEqual(await run(...args), { code: 1, stdout: "", stderr: `Error: ${message}\n` }, args.join(" "))
    await refused(["login"], "either a server URL, --file, or --local must be specified")
    await refused(["login", "a", "b"], "too many arguments")
    await refused(["login", "--local", "--github"], "the options --local and --github cannot be used together")
    await refused(["login", "--local", "https://tyger.example"], "--local cannot be specified with a server address")
    await refused(["login", "status", "--format", "yaml"], `invalid argument "yaml" for "-o, --format" flag: must be 'json', 'text'`)
  })

  test("a server address and cloud flags are accepted, each with a warning naming the data directory", async () => {
    const { dataDir, run } = session()
    const result = await run("login", "https://tyger.example", "--service-principal", "app", "--cert-file", "c.pem")
    assert.equal(result.code, 0)
    assert.equal(result.stdout, "")
    const warnings = result.stderr.split("\n").filter((line) => line !== "")
    assert.equal(warnings.length, 3)
    assert.match(warnings[0]!, new RegExp(`WRN tyger-ts has no server: https://tyger.example is not contacted; commands use the data directory ${dataDir}$`))
    assert.match(warnings[1]!, /WRN --service-principal has no effect/)
    assert.match(warnings[2]!, /WRN --cert-file has no effect/)
  })
})
