// The package as an outside user gets it: tyger-ts packed (`npm pack`, whose prepack builds dist/), a codespec library
// (examples/codespec-library) installed against that tarball and packed in turn, and a consumer project
// (examples/workflow) installed from both tarballs in a temp directory. The consumer's check runs under Node, Bun and
// Deno, its types hold (and the misuse file's expected errors are real errors), the installed `tyger` CLI plans its
// workflow, and importing the DSL entry points loads nothing but tyger-ts and effect.
//
// Node's runner only: this file drives all three runtimes itself, so Bun's and Deno's runners skip it rather than
// pack and install everything three times.
import assert from "node:assert/strict"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as Path from "node:path"
import process from "node:process"
import { after, before, describe, test } from "node:test"
import { pathToFileURL } from "node:url"
import { root } from "../support/Cli.ts"
import { dockerOrSkip, testImage } from "../support/Docker.ts"

const g = globalThis as { readonly Bun?: unknown; readonly Deno?: unknown }
const skip: string | false = g.Bun !== undefined
  ? "Bun: the Node suite packs tyger-ts once and runs the consumer under Node, Bun and Deno itself"
  : g.Deno !== undefined
  ? "Deno: the Node suite packs tyger-ts once and runs the consumer under Node, Bun and Deno itself"
  : false

const noDocker = skip === false ? await dockerOrSkip() : skip

const BIN = Path.join(root, "node_modules", ".bin")
const env: NodeJS.ProcessEnv = {
  ...process.env,
  // The machine's `node` may be older than the package's engines (>= 22.19): children use the pinned toolchain.
  PATH: `${BIN}${Path.delimiter}${process.env["PATH"] ?? ""}`,
  NO_COLOR: "1",
  DENO_NO_UPDATE_CHECK: "1",
  DENO_NO_PROMPT: "1",
  npm_config_update_notifier: "false"
}
// Children are programs of their own, not subtests of this runner.
delete env["NODE_TEST_CONTEXT"]

interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs a program to its end (killed after `timeoutMs`), never throwing on a non-zero exit. */
const run = (
  file: string,
  args: ReadonlyArray<string>,
  cwd: string,
  timeoutMs = 60_000,
  extraEnv: NodeJS.ProcessEnv = {}
): Promise<Result> =>
  new Promise((resolve) => {
    execFile(file, args, { cwd, env: { ...env, ...extraEnv }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null
        resolve({ code, stdout, stderr: error !== null && code === null ? `${stderr}\n${error.message}` : stderr })
      })
  })

const ok = async (
  file: string,
  args: ReadonlyArray<string>,
  cwd: string,
  timeoutMs?: number,
  extraEnv?: NodeJS.ProcessEnv
): Promise<string> => {
  const result = await run(file, args, cwd, timeoutMs, extraEnv)
  assert.equal(result.code, 0, `${file} ${args.join(" ")} (in ${cwd}) exited ${result.code}:\n${result.stdout}\n${result.stderr}`)
  return result.stdout
}

const NPM_INSTALL = ["install", "--no-save", "--prefer-offline", "--no-audit", "--no-fund"]

/** What check.ts prints first, the same on every runtime. */
const SUMMARY = {
  apiVersion: "tyger-ts.dev/plan/v1",
  runs: [
    { name: "cleaned", codespec: "denoise-s3", dependsOn: [] },
    { name: "greeting", codespec: "hello", dependsOn: [] },
    { name: "snr-report", codespec: "snr", dependsOn: ["cleaned"] }
  ],
  codespecs: ["denoise-s3", "hello", "snr"],
  typed: [true, true]
}

describe("tyger-ts as an installed package", () => {
  let work = ""
  let app = ""

  before(async () => {
    if (skip !== false) return
    work = fs.realpathSync(fs.mkdtempSync(Path.join(os.tmpdir(), "tyger-ts-consumer-")))
    const dist = Path.join(root, "dist")
    try {
      await ok("npm", ["pack", "--pack-destination", work], root, 240_000)
    } finally {
      // postpack removes dist/, but not when the build (prepack) failed half-way.
      fs.rmSync(dist, { recursive: true, force: true })
    }
    const tygerTgz = Path.join(work, "tyger-ts-0.1.0.tgz")
    assert.ok(fs.existsSync(tygerTgz), `npm pack wrote no ${tygerTgz}`)

    const library = Path.join(work, "codespec-library")
    fs.cpSync(Path.join(root, "examples", "codespec-library"), library, { recursive: true })
    await ok("npm", [...NPM_INSTALL, tygerTgz], library, 180_000)
    await ok("npm", ["pack", "--pack-destination", work], library, 120_000)
    const libraryTgz = Path.join(work, "example-imaging-codespecs-0.1.0.tgz")
    assert.ok(fs.existsSync(libraryTgz), `npm pack wrote no ${libraryTgz}`)

    app = Path.join(work, "workflow")
    fs.cpSync(Path.join(root, "examples", "workflow"), app, { recursive: true })
    await ok("npm", [...NPM_INSTALL, tygerTgz, libraryTgz], app, 180_000)
  }, { timeout: 600_000 })

  after(() => {
    if (work !== "") fs.rmSync(work, { recursive: true, force: true })
  })

  test("check.ts prints the same plan summary on Node, Bun and Deno, every package resolved inside the project", { skip, timeout: 120_000 }, async () => {
    const modules = pathToFileURL(Path.join(app, "node_modules")).href + "/"
    const runtimes: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
      ["node", ["--disable-warning=ExperimentalWarning", "check.ts"]],
      ["bun", ["check.ts"]],
      ["deno", ["run", "-A", "check.ts"]]
    ]
    for (const [runtime, args] of runtimes) {
      const lines = (await ok(Path.join(BIN, runtime), args, app)).trim().split("\n")
      assert.equal(lines.length, 2, `${runtime}: ${lines.join("\n")}`)
      assert.deepEqual(JSON.parse(lines[0]!), SUMMARY, runtime)
      const { resolved } = JSON.parse(lines[1]!) as { resolved: Record<string, string> }
      assert.equal(Object.keys(resolved).length, 5, runtime)
      for (const [specifier, url] of Object.entries(resolved)) {
        assert.ok(url.startsWith(modules), `${runtime}: ${specifier} resolved to ${url}, not under ${modules}`)
      }
    }
  })

  test("tsc -p . passes, and without its @ts-expect-error comments misuse.ts fails at exactly those lines", { skip, timeout: 120_000 }, async () => {
    const tsc = Path.join(app, "node_modules", ".bin", "tsc")
    await ok(tsc, ["-p", ".", "--pretty", "false"], app)

    // Blank each comment (keeping line numbers) in a copy: the line after each one must be an error, and nothing else.
    const lines = fs.readFileSync(Path.join(app, "misuse.ts"), "utf8").split("\n")
    const expected = lines.flatMap((line, i) => (/^\s*\/\/ @ts-expect-error\b/.test(line) ? [i + 2] : []))
    assert.equal(expected.length, 4, "misuse.ts has four expected errors")
    const unchecked = lines.map((line) => line.replace(/^(\s*)\/\/ @ts-expect-error\b.*$/, "$1//")).join("\n")
    fs.writeFileSync(Path.join(app, "misuse-unchecked.ts"), unchecked)
    try {
      const result = await run(tsc, ["-p", ".", "--pretty", "false"], app)
      assert.notEqual(result.code, 0, "tsc passed without the @ts-expect-error comments")
      const errors = [...result.stdout.matchAll(/^(\S+)\((\d+),\d+\): error TS\d+/gm)]
      assert.ok(errors.length > 0, result.stdout + result.stderr)
      assert.deepEqual([...new Set(errors.map((m) => m[1]))], ["misuse-unchecked.ts"], result.stdout)
      assert.deepEqual([...new Set(errors.map((m) => Number(m[2])))].sort((a, b) => a - b), expected, result.stdout)
    } finally {
      fs.rmSync(Path.join(app, "misuse-unchecked.ts"), { force: true })
    }
  })

  test("the installed tyger CLI plans workflow.ts and reports its version", { skip, timeout: 60_000 }, async () => {
    const tyger = Path.join(app, "node_modules", ".bin", "tyger")
    const plan = JSON.parse(await ok(tyger, ["plan", "workflow.ts"], app)) as {
      readonly runs: ReadonlyArray<{ readonly name: string; readonly dependsOn: ReadonlyArray<string> }>
    }
    assert.deepEqual(plan.runs.map((r) => r.name).sort(), ["cleaned", "greeting", "snr-report"])
    assert.deepEqual(plan.runs.find((r) => r.name === "snr-report")?.dependsOn, ["cleaned"])
    assert.equal((await ok(tyger, ["--version"], app)).trim(), "tyger version 0.1.0")
  })

  test("importing tyger-ts and tyger-ts/library on Node loads files of tyger-ts and effect only", { skip, timeout: 60_000 }, async () => {
    fs.writeFileSync(Path.join(app, "trace-imports.mjs"), [
      `import { registerHooks } from "node:module"`,
      `const urls = new Set()`,
      `registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); urls.add(r.url); return r } })`,
      `await import("tyger-ts")`,
      `await import("tyger-ts/library")`,
      `console.log(JSON.stringify([...urls]))`
    ].join("\n"))
    const urls = JSON.parse(await ok(Path.join(BIN, "node"), ["trace-imports.mjs"], app)) as ReadonlyArray<string>
    const modules = pathToFileURL(Path.join(app, "node_modules")).href
    const allowed = [`${modules}/tyger-ts/dist/`, `${modules}/effect/`, "node:"]
    assert.ok(urls.some((u) => u.startsWith(`${modules}/tyger-ts/dist/api/index.js`)), urls.join("\n"))
    assert.ok(urls.some((u) => u.startsWith(`${modules}/effect/`)), urls.join("\n"))
    assert.deepEqual(urls.filter((u) => !allowed.some((prefix) => u.startsWith(prefix))), [])
  })

  test("without the optional peers, the Kubernetes entry and the Azure buffer backend say what to install", { skip, timeout: 60_000 }, async () => {
    const kubernetes = await run(Path.join(BIN, "node"), ["-e", `import("tyger-ts/kubernetes")`], app)
    assert.notEqual(kubernetes.code, 0)
    assert.match(kubernetes.stderr, /tyger-ts\/kubernetes needs the optional packages @pulumi\/pulumi and @pulumi\/kubernetes: npm install @pulumi\/pulumi @pulumi\/kubernetes/)

    const tyger = Path.join(app, "node_modules", ".bin", "tyger")
    const azure = await run(tyger, ["buffer", "create"], app, 60_000, {
      TYGER_TS_DATA_DIR: Path.join(work, "data"),
      TYGER_TS_BUFFER_STORAGE: "azure",
      AZURE_STORAGE_CONNECTION_STRING: "UseDevelopmentStorage=true"
    })
    assert.deepEqual(azure, {
      code: 1,
      stdout: "",
      stderr: "Error: The Azure buffer backend needs the optional package @azure/storage-blob: npm install @azure/storage-blob\n"
    })
  })

  test("pipeline.ts, two runs as one Effect program on tyger-ts/engine's local layer, greets through real containers", { skip: noDocker, timeout: 180_000 }, async () => {
    const greeting = await ok(Path.join(BIN, "node"), ["--disable-warning=ExperimentalWarning", "pipeline.ts", "world"], app, 170_000, {
      IMAGE: testImage,
      TYGER_TS_DATA_DIR: Path.join(work, "pipeline-data")
    })
    assert.equal(greeting, "Hello WORLD\n")
  })
})
