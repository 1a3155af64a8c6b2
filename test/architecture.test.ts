// Layering rules of the project, checked on the real sources and (so the check itself
// is known to bite) on synthetic in-memory files. Rule tables: test/support/Imports.ts.
import { describe, it } from "node:test"
import assert from "node:assert/strict"
import { fileURLToPath } from "node:url"
import { checkImports, collectSources, formatViolation, parseImports, type SourceFile } from "./support/Imports.ts"

const ROOT = fileURLToPath(new URL("..", import.meta.url))

describe("architecture", () => {
  it("project sources respect the layering rules", () => {
    const files = collectSources(ROOT)
    const violations = checkImports(files).map(formatViolation)
    if (violations.length > 0) {
      assert.fail(`${violations.length} layering violation(s) in ${files.length} files:\n  ${violations.join("\n  ")}`)
    }
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
      // violations
      { path: "dsl/impure.ts", text: `import * as fs from "node:fs"\nimport { readFile } from "fs/promises"` },
      { path: "dsl/upward.ts", text: `import type { Engine } from "../engine/engine.ts"\nimport { parse } from "yaml"` },
      { path: "engine/bad.ts", text: `import { main } from "../cli/main.ts"\nconst d = await import("../providers/docker/index.ts")` },
      { path: "engine/stack.ts", text: `export * from "../stacks/s.ts"\nimport { Command } from "clipanion"` },
      { path: "providers/docker/bad.ts", text: `import type { K } from "../kubernetes/k.ts"\nimport "../../cli/main.ts"` },
      { path: "providers/kubernetes/bad.ts", text: `import { Pod } from "kubernetes-models/v1"\nimport "../docker/ok.ts"` },
      { path: "cli/bad.ts", text: `import { tempDir } from "../test/support/run.ts"` },
      { path: "stacks/bad.ts", text: `type R = typeof import("../test/support/run.ts")\nimport "../../outside.ts"` }
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
      "stacks/bad.ts:2: imports ../../outside.ts (imports must stay inside the project)"
    ])
  })
})
