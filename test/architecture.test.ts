// Layering rules of the project, checked on the real sources and (so the check itself
// is known to bite) on synthetic in-memory files. Rule tables: test/support/Imports.ts.
import { describe, it } from "node:test"
import assert from "node:assert/strict"
import { fileURLToPath } from "node:url"
import * as path from "node:path"
import { checkImports, collectSources, findCycles, formatViolation, packageName, parseImports, type SourceFile } from "./support/Imports.ts"

const ROOT = fileURLToPath(new URL("..", import.meta.url))

describe("architecture", () => {
  it("project sources respect the layering rules", () => {
    const files = collectSources(ROOT)
    const violations = checkImports(files).map(formatViolation)
    if (violations.length > 0) {
      assert.fail(`${violations.length} layering violation(s) in ${files.length} files:\n  ${violations.join("\n  ")}`)
    }
  })

  it("project sources have no import cycles (static imports, types included; a lazy import() is no edge)", () => {
    const cycles = findCycles(collectSources(ROOT))
    if (cycles.length > 0) assert.fail(`${cycles.length} import cycle(s):\n  ${cycles.map((c) => c.join(" ↔ ")).join("\n  ")}`)
  })

  it("importing tyger-ts or tyger-ts/library loads effect and nothing else (lazy imports included)", () => {
    const sources = new Map(collectSources(ROOT).map((f) => [f.path, f.text]))
    for (const entry of ["api/index.ts", "api/library.ts"]) {
      const files = new Set<string>()
      const packages = new Set<string>()
      const visit = (file: string): void => {
        if (files.has(file)) return
        files.add(file)
        for (const ref of parseImports(file, sources.get(file) ?? assert.fail(`${file} is not a source`))) {
          if (ref.erased) continue
          if (ref.specifier.startsWith(".")) visit(path.posix.normalize(path.posix.join(path.posix.dirname(file), ref.specifier)))
          else packages.add(packageName(ref.specifier))
        }
      }
      visit(entry)
      assert.deepEqual([...packages], ["effect"], entry)
      assert.deepEqual([...files].filter((f) => !/^(api|model|dsl)\//.test(f)), [], entry)
    }
  })

  it("no project source file is over 350 lines", () => {
    const long = collectSources(ROOT)
      .map((f) => ({ path: f.path, lines: f.text.split("\n").length - (f.text.endsWith("\n") ? 1 : 0) }))
      .filter((f) => f.lines > 350)
    assert.deepEqual(long, [])
  })

  it("finds cycles through static value and type imports, not through a lazy import()", () => {
    const files: ReadonlyArray<SourceFile> = [
      { path: "engine/a.ts", text: `import { b } from "./b.ts"` },
      { path: "engine/b.ts", text: `export { c } from "./sub/c.ts"` },
      { path: "engine/sub/c.ts", text: `import type { A } from "../a.ts"` },
      { path: "engine/t1.ts", text: `import { type T2 } from "./t2.ts"` },
      { path: "engine/t2.ts", text: `type T1 = typeof import("./t1.ts")` },
      { path: "cli/command.ts", text: `const p = await import("./command.program.ts")` },
      { path: "cli/command.program.ts", text: `import type { Command } from "./command.ts"\nimport { type X } from "./command.ts"` },
      { path: "cli/self.ts", text: `import "./self.ts"` },
      { path: "cli/mixed.ts", text: `import { type A, b } from "./mixed2.ts"` },
      { path: "cli/mixed2.ts", text: `import { a } from "./mixed.ts"` }
    ]
    assert.deepEqual(findCycles(files), [
      ["cli/mixed.ts", "cli/mixed2.ts"],
      ["cli/self.ts"],
      ["engine/a.ts", "engine/b.ts", "engine/sub/c.ts"],
      ["engine/t1.ts", "engine/t2.ts"]
    ])
  })

  it("marks imports that type stripping erases", () => {
    const text = [
      `import type { A } from "./a.ts"`,
      `import { type B, type C } from "./b.ts"`,
      `import { type D, e } from "./d.ts"`,
      `import F, { type G } from "./f.ts"`,
      `export type { H } from "./h.ts"`,
      `export { type I } from "./i.ts"`,
      `export * from "./j.ts"`,
      `type K = typeof import("./k.ts")`,
      `import {} from "./l.ts"`
    ].join("\n")
    assert.deepEqual(parseImports("x.ts", text).map((r) => [r.specifier, r.erased]), [
      ["./a.ts", true],
      ["./b.ts", true],
      ["./d.ts", false],
      ["./f.ts", false],
      ["./h.ts", true],
      ["./i.ts", true],
      ["./j.ts", false],
      ["./k.ts", true],
      ["./l.ts", false]
    ])
  })

  it("parses every import form and nothing else", () => {
    const text = [
      `import { Effect } from "effect"`,
      `import type { Layer } from "effect/Layer"`,
      `import "./side-effect.ts"`,
      `import * as fs from 'node:fs'`,
      `export { a } from "./a.ts"`,
      `export * from "./b.ts"`,
      `export type { C } from "./c.ts"`,
      `const m = await import("./lazy.ts")`,
      "const t = await import(`./template.ts`)",
      `type Mod = typeof import("./typeof.ts")`,
      `import legacy = require("./legacy.cjs")`,
      `const spec = "./computed.ts"; await import(spec)`,
      `// import { no } from "./commented.ts"`,
      `/* export * from "./block-commented.ts" */`,
      `const s = 'import x from "./in-string.ts"'`,
      `const r = /import("\\.\\/in-regex.ts")/`,
      "const tpl = `export * from \"./in-template.ts\"`",
      `export const fine = 1`
    ].join("\n")
    const refs = parseImports("x.ts", text)
    assert.deepEqual(
      refs.map((r) => [r.specifier, r.kind]),
      [
        ["effect", "import"],
        ["effect/Layer", "import-type"],
        ["./side-effect.ts", "import"],
        ["node:fs", "import"],
        ["./a.ts", "export-from"],
        ["./b.ts", "export-from"],
        ["./c.ts", "export-from"],
        ["./lazy.ts", "dynamic-import"],
        ["./template.ts", "dynamic-import"],
        ["./typeof.ts", "type-import"],
        ["./legacy.cjs", "require"]
      ]
    )
    assert.deepEqual(refs.map((r) => r.line), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
  })

  it("reports violations in synthetic files (the rule tables bite)", () => {
    const files: ReadonlyArray<SourceFile> = [
      // allowed
      {
        path: "dsl/ok.ts",
        text: `import { Effect } from "effect"\nimport type { Schema } from "effect/Schema"\nimport { x } from "./sub/x.ts"`
      },
      {
        path: "engine/ok.ts",
        text: `import * as fs from "node:fs"\nimport { parse } from "yaml"\nimport { NodeRuntime } from "@effect/platform-node"\nimport type { W } from "../dsl/w.ts"\nexport * from "./y.ts"`
      },
      {
        path: "providers/docker/ok.ts",
        text: `import { run } from "../../engine/run.ts"\nimport type { W } from "../../dsl/w.ts"\nimport { spawn } from "node:child_process"`
      },
      {
        path: "providers/kubernetes/ok.ts",
        text: `import * as k8s from "@pulumi/kubernetes"\nimport * as pulumi from "@pulumi/pulumi"\nimport { Effect } from "effect"`
      },
      { path: "cli/ok.ts", text: `import "../providers/docker/ok.ts"\nimport "../stacks/s.ts"\nimport { Command } from "clipanion"` },
      { path: "stacks/ok.ts", text: `import "../providers/kubernetes/ok.ts"\nimport "../cli/ok.ts"` },
      { path: "test/anything.test.ts", text: `import "../cli/ok.ts"\nimport "./support/run.ts"\nimport "kubernetes-models"` },
      { path: "bench/unchecked.ts", text: `import "../test/support/run.ts"` },
      { path: "engine/buffers/open.ts", text: `import "./internal/x.ts"\nimport "./internal/deep/y.ts"` },
      { path: "engine/buffers/internal/x.ts", text: `import "../open.ts"\nimport "./deep/y.ts"\nimport "../../plan/Plan.ts"` },
      { path: "test/engine/internals.test.ts", text: `import "../../engine/buffers/internal/x.ts"` },
      // violations
      { path: "dsl/impure.ts", text: `import * as fs from "node:fs"\nimport { readFile } from "fs/promises"` },
      { path: "dsl/upward.ts", text: `import type { Engine } from "../engine/engine.ts"\nimport { parse } from "yaml"` },
      { path: "engine/bad.ts", text: `import { main } from "../cli/main.ts"\nconst d = await import("../providers/docker/index.ts")` },
      { path: "engine/stack.ts", text: `export * from "../stacks/s.ts"\nimport { Command } from "clipanion"` },
      { path: "providers/docker/bad.ts", text: `import type { K } from "../kubernetes/k.ts"\nimport "../../cli/main.ts"` },
      { path: "providers/kubernetes/bad.ts", text: `import { Pod } from "kubernetes-models/v1"\nimport "../docker/ok.ts"` },
      { path: "cli/bad.ts", text: `import { tempDir } from "../test/support/run.ts"` },
      { path: "stacks/bad.ts", text: `type R = typeof import("../test/support/run.ts")\nimport "../../outside.ts"` },
      { path: "providers/docker/leak.ts", text: `import type { B } from "../../engine/buffers/internal/x.ts"` },
      { path: "engine/runs/leak.ts", text: `import "../buffers/internal/x.ts"\nimport "../plan/internal/y.ts"` },
      { path: "cli/leak.ts", text: `import "../providers/docker/internal/z.ts"` }
    ]
    const got = checkImports(files).map(formatViolation)
    assert.deepEqual(got, [
      "dsl/impure.ts:1: imports node:fs (dsl/ is pure: no node: builtins)",
      "dsl/impure.ts:2: imports fs/promises (dsl/ is pure: no node: builtins)",
      "dsl/upward.ts:1: imports ../engine/engine.ts (dsl/ may import only model/, dsl/ inside the project)",
      "dsl/upward.ts:2: imports yaml (dsl/ may import only the packages effect)",
      "engine/bad.ts:1: imports ../cli/main.ts (engine/ may import only model/, dsl/, engine/ inside the project)",
      "engine/bad.ts:2: imports ../providers/docker/index.ts (engine/ may import only model/, dsl/, engine/ inside the project)",
      "engine/stack.ts:1: imports ../stacks/s.ts (engine/ may import only model/, dsl/, engine/ inside the project)",
      "engine/stack.ts:2: imports clipanion (engine/ may import only the packages effect, @effect/platform-node, yaml, @azure/storage-blob)",
      "providers/docker/bad.ts:1: imports ../kubernetes/k.ts (providers/docker/ may import only model/, dsl/, engine/, providers/docker/ inside the project)",
      "providers/docker/bad.ts:2: imports ../../cli/main.ts (providers/docker/ may import only model/, dsl/, engine/, providers/docker/ inside the project)",
      "providers/kubernetes/bad.ts:1: imports kubernetes-models/v1 (providers/kubernetes/ may import only the packages effect, @effect/platform-node, @pulumi/*)",
      "providers/kubernetes/bad.ts:2: imports ../docker/ok.ts (providers/kubernetes/ may import only model/, dsl/, engine/, providers/kubernetes/ inside the project)",
      "cli/bad.ts:1: imports ../test/support/run.ts (only test/ may import test/)",
      "stacks/bad.ts:1: imports ../test/support/run.ts (only test/ may import test/)",
      "stacks/bad.ts:2: imports ../../outside.ts (imports must stay inside the project)",
      "providers/docker/leak.ts:1: imports ../../engine/buffers/internal/x.ts (engine/buffers/internal/ is private to engine/buffers/)",
      "engine/runs/leak.ts:1: imports ../buffers/internal/x.ts (engine/buffers/internal/ is private to engine/buffers/)",
      "engine/runs/leak.ts:2: imports ../plan/internal/y.ts (engine/plan/internal/ is private to engine/plan/)",
      "cli/leak.ts:1: imports ../providers/docker/internal/z.ts (providers/docker/internal/ is private to providers/docker/)"
    ])
  })
})
