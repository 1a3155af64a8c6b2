// `tyger run create|exec` refusing a reference version no int32 holds and hostile run files (issue 14, items 6-7).
// Everything here fails before a run is created, so no Docker engine is needed.
import assert from "node:assert/strict"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { describe, test } from "node:test"
import { tempDir } from "../../support/Run.ts"
import { type CliResult, tyger } from "../Harness.ts"

const session = () => {
  const dir = tempDir("tyger-cli-run-refusals-")
  const dataDir = Path.join(dir, "data")
  const run = (...args: ReadonlyArray<string>) => tyger({ dataDir, cwd: dir }, ...args)
  const file = (name: string, text: string) => Fs.writeFileSync(Path.join(dir, name), text)
  return Object.assign(run, { dir, file })
}

const fails = (result: CliResult, ...lines: ReadonlyArray<string>) => {
  assert.equal(result.stdout, "")
  assert.equal(result.stderr, lines.map((l) => `Error: ${l}\n`).join(""))
  assert.equal(result.code, 1)
}

const tooLarge = (reference: string, version: string) =>
  `InvalidInput: The codespec reference '${reference}' is invalid. The version number '${version}' is not a valid integer.`

describe("run create --version beyond an int32: Tyger's server message, not a schema failure", () => {
  test("job and worker versions", async () => {
    const run = session()
    assert.equal((await run("codespec", "create", "c", "--image", "busybox")).stdout, "1\n")
    for (const verb of ["create", "exec"]) {
      fails(await run("run", verb, "-c", "c", "--version", "99999999999999999999"),
        tooLarge("c/versions/99999999999999999999", "99999999999999999999"))
      fails(await run("run", verb, "-c", "c", "--version", "2147483648"), tooLarge("c/versions/2147483648", "2147483648"))
    }
    fails(await run("run", "create", "-c", "c", "--worker-codespec", "w", "--worker-version", "999999999999999999"),
      tooLarge("w/versions/999999999999999999", "999999999999999999"))
    // An int32 that names no version is still the engine's "not found".
    fails(await run("run", "create", "-c", "c", "--version", "2147483647"),
      "InvalidInput: The version '2147483647' of codespec 'c' was not found. The latest version is '1'.")
    // The same reference in a run file.
    run.file("huge.yaml", "job:\n  codespec: c/versions/99999999999999999999\n")
    fails(await run("run", "create", "-f", "huge.yaml"), tooLarge("c/versions/99999999999999999999", "99999999999999999999"))
    const list = await run("run", "list")
    assert.equal(list.stdout, "[]\n")
  })
})

describe("run files", () => {
  test("a directory, as Go's os.ReadFile says it", async () => {
    const run = session()
    Fs.mkdirSync(Path.join(run.dir, "spec.yml"))
    fails(await run("run", "create", "-f", "spec.yml"), "failed to read file spec.yml: read spec.yml: is a directory")
  })

  test("deep nesting, and tags outside the core schema", async () => {
    const run = session()
    run.file("deep.yml", `job:\n  codespec: c\n  tags: ${"[".repeat(3000)}${"]".repeat(3000)}\n`)
    fails(await run("run", "create", "-f", "deep.yml"), "failed to parse file deep.yml: line 3: the document nests deeper than 100 levels")
    run.file("tagged.yml", "job:\n  codespec: c\n  tags: !!omap [a: b]\n")
    fails(await run("run", "create", "-f", "tagged.yml"),
      "failed to parse file tagged.yml: line 3: the YAML tag '!!omap' is not supported: write plain maps, sequences and scalars")
  })
})
