/**
 * What a user pays for tyger-ts as a package, in one run: tyger-ts is packed once, then installed into two empty
 * projects, the DSL-only consumer (`tyger-ts` alone: its dependencies and `effect`, no optional peer) and the full
 * install (tyger-ts with every optional peer: the Pulumi SDK, `@pulumi/kubernetes`, the Azure SDK, which is what every
 * install pulled before they became optional). For each: install time, packages and size of node_modules. Then the
 * time to import `tyger-ts` (median of `runs` fresh processes) on Node, Bun and Deno, against each bare runtime.
 *
 *   node bench/package.ts [runs=10]
 */
import { execFileSync, spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

const runs = Number(process.argv[2] ?? 10)
const root = new URL("..", import.meta.url).pathname
const bin = Path.join(root, "node_modules", ".bin")
const env = { ...process.env, PATH: `${bin}${Path.delimiter}${process.env["PATH"] ?? ""}`, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" }
const work = Fs.realpathSync(Fs.mkdtempSync(Path.join(Os.tmpdir(), "tyger-bench-package-")))

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9
const median = (xs: Array<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const sizeOf = (dir: string): number => {
  let total = 0
  for (const entry of Fs.readdirSync(dir, { withFileTypes: true })) {
    const path = Path.join(dir, entry.name)
    if (entry.isDirectory()) total += sizeOf(path)
    else if (entry.isFile()) total += Fs.statSync(path).size
  }
  return total
}

const packages = (project: string): number =>
  Object.keys((JSON.parse(Fs.readFileSync(Path.join(project, "node_modules", ".package-lock.json"), "utf8")) as {
    packages: Record<string, unknown>
  }).packages).length

const install = (name: string, specs: ReadonlyArray<string>) => {
  const project = Path.join(work, name)
  Fs.mkdirSync(project)
  Fs.writeFileSync(Path.join(project, "package.json"), JSON.stringify({ name, private: true, type: "module" }))
  const start = process.hrtime.bigint()
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...specs], { cwd: project, env, stdio: "ignore" })
  return { project, installSeconds: +seconds(start).toFixed(1), packages: packages(project), nodeModulesMB: +(sizeOf(Path.join(project, "node_modules")) / 1e6).toFixed(1) }
}

const timeImport = (command: string, args: ReadonlyArray<string>, cwd: string): number => {
  const samples: Array<number> = []
  for (let i = 0; i < runs + 2; i++) {
    const start = process.hrtime.bigint()
    const result = spawnSync(command, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"] })
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${result.stderr}`)
    if (i >= 2) samples.push(seconds(start) * 1000)
  }
  return +median(samples).toFixed(1)
}

try {
  const packStart = process.hrtime.bigint()
  execFileSync("npm", ["pack", "--pack-destination", work], { cwd: root, env, stdio: "ignore" })
  const packSeconds = +seconds(packStart).toFixed(1)
  const tarball = Path.join(work, "tyger-ts-0.1.0.tgz")
  const dslOnly = install("dsl-only", [tarball])
  const full = install("full", [tarball, "@pulumi/pulumi@3.270.0", "@pulumi/kubernetes@4.34.2", "@azure/storage-blob@^12.32.0"])

  Fs.writeFileSync(Path.join(dslOnly.project, "dsl.mjs"), `import { Codespec } from "tyger-ts"\nif (!Codespec) process.exit(1)\n`)
  Fs.writeFileSync(Path.join(dslOnly.project, "bare.mjs"), "\n")
  const imports = Object.fromEntries(([
    ["node", Path.join(bin, "node"), []],
    ["bun", Path.join(bin, "bun"), []],
    ["deno", Path.join(bin, "deno"), ["run", "-A"]]
  ] as const).map(([runtime, command, flags]) => {
    const bare = timeImport(command, [...flags, "bare.mjs"], dslOnly.project)
    const dsl = timeImport(command, [...flags, "dsl.mjs"], dslOnly.project)
    return [runtime, { bareMs: bare, importTygerTsMs: dsl, ratioToBare: +(dsl / bare).toFixed(2) }]
  }))

  const strip = ({ project: _, ...figures }: { project: string }) => figures
  console.log(JSON.stringify({
    packSeconds,
    dslOnly: strip(dslOnly),
    full: strip(full),
    ratiosDslOnlyToFull: {
      installTime: +(dslOnly.installSeconds / full.installSeconds).toFixed(2),
      packages: +(dslOnly.packages / full.packages).toFixed(2),
      nodeModulesSize: +(dslOnly.nodeModulesMB / full.nodeModulesMB).toFixed(2)
    },
    importTygerTs: imports
  }, null, 2))
} finally {
  Fs.rmSync(work, { recursive: true, force: true })
}
