// Architecture (layering) checker used by test/architecture.test.ts.
//
// `parseImports` and `checkImports` are pure (source text in, findings out) so the rule
// tables can be tested against synthetic, in-memory files; `collectSources` is the only
// part that touches the file system.
//
// Parsing uses the TypeScript parser (a devDependency) rather than regular expressions,
// so comments, strings, template literals and regex literals can never produce a bogus
// or hide a real import.
import ts from "typescript"
import * as fs from "node:fs"
import { builtinModules } from "node:module"
import * as path from "node:path"

export type ImportKind = "import" | "import-type" | "export-from" | "dynamic-import" | "type-import" | "require"

export interface ImportRef {
  readonly specifier: string
  readonly kind: ImportKind
  /** 1-based line of the specifier. */
  readonly line: number
  /** Erased when type annotations are stripped (`import type`, `import { type A }`, `typeof import()`): no run-time edge. */
  readonly erased: boolean
}

/** A source file, `path` relative to the project root with "/" separators (e.g. "engine/run.ts"). */
export interface SourceFile {
  readonly path: string
  readonly text: string
}

/**
 * Every module specifier a file depends on: static `import ... from "x"` (including
 * `import type` and side-effect `import "x"`), `export ... from "x"`, `import("x")` with a
 * string literal (value or type position: `typeof import("x")`), `import x = require("x")`
 * and `require("x")`. Computed dynamic imports are ignored.
 */
export const parseImports = (fileName: string, text: string): ReadonlyArray<ImportRef> => {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const refs: Array<ImportRef> = []
  const add = (node: ts.Node, kind: ImportKind, erased = false): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1
      refs.push({ specifier: node.text, kind, line, erased: erased || kind === "import-type" || kind === "type-import" })
    }
  }
  // `import { type A, type B } from "x"` and `export { type A } from "x"` vanish when types are stripped, like
  // `import type`; a side-effect import or any value binding keeps the edge.
  const allTypes = (elements: ts.NodeArray<ts.ImportSpecifier | ts.ExportSpecifier>): boolean =>
    elements.length > 0 && elements.every((e) => e.isTypeOnly)
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause
      const bindings = clause?.namedBindings
      const erased = clause !== undefined && clause.name === undefined && bindings !== undefined &&
        ts.isNamedImports(bindings) && allTypes(bindings.elements)
      add(node.moduleSpecifier, clause?.isTypeOnly === true ? "import-type" : "import", erased)
    } else if (ts.isExportDeclaration(node)) {
      const erased = node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) &&
        allTypes(node.exportClause.elements))
      if (node.moduleSpecifier !== undefined) add(node.moduleSpecifier, "export-from", erased)
    } else if (ts.isImportEqualsDeclaration(node)) {
      if (ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression, "require")
    } else if (ts.isImportTypeNode(node)) {
      if (ts.isLiteralTypeNode(node.argument)) add(node.argument.literal, "type-import")
    } else if (ts.isCallExpression(node)) {
      const [first] = node.arguments
      if (first !== undefined) {
        if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(first, "dynamic-import")
        else if (ts.isIdentifier(node.expression) && node.expression.text === "require") add(first, "require")
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return refs
}

// ---------------------------------------------------------------------------------------------
// Rule tables
// ---------------------------------------------------------------------------------------------

export interface LayerRule {
  /** Directory prefix of the layer, with trailing "/". */
  readonly dir: string
  /** Project directories (trailing "/") this layer may import from, or "any" (anything but test/). */
  readonly internal: ReadonlyArray<string> | "any"
  /** Package names ("yaml"), scope wildcards ("@pulumi/*"), or "any". Subpaths of an allowed package are allowed. */
  readonly packages: ReadonlyArray<string> | "any"
  /** Whether node: builtins may be imported. */
  readonly builtins: boolean
}

/** Directories walked by the architecture test, in rule-table order. */
export const LAYER_RULES: ReadonlyArray<LayerRule> = [
  // model/ (Tyger's documents) and dsl/ (the builders over them) are pure: only themselves and effect.
  { dir: "model/", internal: ["model/"], packages: ["effect"], builtins: false },
  { dir: "dsl/", internal: ["model/", "dsl/"], packages: ["effect"], builtins: false },
  { dir: "engine/", internal: ["model/", "dsl/", "engine/"], packages: ["effect", "@effect/platform-node", "yaml", "@azure/storage-blob"], builtins: true },
  // Providers sit on top of the engine; they never see each other, the CLI or the stacks.
  {
    dir: "providers/docker/",
    internal: ["model/", "dsl/", "engine/", "providers/docker/"],
    packages: ["effect", "@effect/platform-node"],
    builtins: true
  },
  {
    dir: "providers/kubernetes/",
    internal: ["model/", "dsl/", "engine/", "providers/kubernetes/"],
    packages: ["effect", "@effect/platform-node", "@pulumi/*"],
    builtins: true
  },
  // The package's entry points re-export; they reach no composition root (cli/, stacks/).
  {
    dir: "api/",
    internal: ["model/", "dsl/", "engine/", "providers/", "api/"],
    packages: ["effect", "@effect/platform-node", "@pulumi/*"],
    builtins: false
  },
  { dir: "stacks/", internal: "any", packages: "any", builtins: true },
  { dir: "cli/", internal: "any", packages: "any", builtins: true }
]

export const CHECKED_DIRS: ReadonlyArray<string> = LAYER_RULES.map((r) => r.dir)

const BUILTINS: ReadonlySet<string> = new Set(builtinModules.filter((m) => !m.startsWith("_")))

const isBuiltin = (spec: string): boolean =>
  spec.startsWith("node:") || BUILTINS.has(spec) || BUILTINS.has(spec.split("/")[0] ?? "")

/** "effect/Schema" -> "effect", "@effect/platform-node/NodeRuntime" -> "@effect/platform-node". */
export const packageName = (spec: string): string => {
  const parts = spec.split("/")
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? spec)
}

const packageAllowed = (allowed: ReadonlyArray<string> | "any", spec: string): boolean => {
  if (allowed === "any") return true
  const name = packageName(spec)
  return allowed.some((p) => (p.endsWith("/*") ? name.startsWith(p.slice(0, -1)) : p === name))
}

const ruleFor = (file: string, rules: ReadonlyArray<LayerRule>): LayerRule | undefined =>
  rules.find((r) => file.startsWith(r.dir))

const describeList = (items: ReadonlyArray<string>): string => (items.length === 0 ? "nothing" : items.join(", "))

export interface Violation {
  readonly file: string
  readonly line: number
  readonly specifier: string
  readonly rule: string
}

export const formatViolation = (v: Violation): string => `${v.file}:${v.line}: imports ${v.specifier} (${v.rule})`

/** The rule broken by `file` importing `ref`, or undefined if the import is allowed. */
const violationFor = (file: string, rule: LayerRule, ref: ImportRef): string | undefined => {
  const spec = ref.specifier
  if (spec.startsWith("./") || spec.startsWith("../") || spec === "." || spec === "..") {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec))
    if (target === ".." || target.startsWith("../") || path.posix.isAbsolute(target)) {
      return "imports must stay inside the project"
    }
    if (target.startsWith("test/") && !file.startsWith("test/")) return "only test/ may import test/"
    const internal = target.lastIndexOf("/internal/")
    if (internal >= 0) {
      const owner = target.slice(0, internal + 1)
      if (!file.startsWith(owner)) return `${owner}internal/ is private to ${owner}`
    }
    if (rule.internal === "any") return undefined
    if (rule.internal.some((dir) => target.startsWith(dir))) return undefined
    return `${rule.dir} may import only ${describeList(rule.internal)} inside the project`
  }
  if (path.posix.isAbsolute(spec) || spec.startsWith("file:")) return "use relative imports inside the project"
  if (isBuiltin(spec)) {
    if (rule.builtins) return undefined
    return `${rule.dir} is pure: no node: builtins`
  }
  if (packageAllowed(rule.packages, spec)) return undefined
  return `${rule.dir} may import only the packages ${describeList(rule.packages === "any" ? [] : rule.packages)}`
}

/** Checks every file against the rule table; files outside the table's directories are not checked. */
export const checkImports = (
  files: ReadonlyArray<SourceFile>,
  rules: ReadonlyArray<LayerRule> = LAYER_RULES
): ReadonlyArray<Violation> => {
  const violations: Array<Violation> = []
  for (const file of files) {
    const rule = ruleFor(file.path, rules)
    if (rule === undefined) continue
    for (const ref of parseImports(file.path, file.text)) {
      const broken = violationFor(file.path, rule, ref)
      if (broken !== undefined) violations.push({ file: file.path, line: ref.line, specifier: ref.specifier, rule: broken })
    }
  }
  return violations
}

const SOURCE_EXT = /\.(?:ts|mts|cts|tsx)$/

/** Reads every TypeScript source under the checked directories of `root` (missing directories are skipped). */
export const collectSources = (root: string, dirs: ReadonlyArray<string> = CHECKED_DIRS): ReadonlyArray<SourceFile> => {
  const out: Array<SourceFile> = []
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue
      const child = `${rel}/${entry.name}`
      if (entry.isDirectory()) walk(child)
      else if (entry.isFile() && SOURCE_EXT.test(entry.name)) {
        out.push({ path: child, text: fs.readFileSync(path.join(root, child), "utf8") })
      }
    }
  }
  for (const dir of dirs) {
    const rel = dir.replace(/\/+$/, "")
    if (fs.existsSync(path.join(root, rel))) walk(rel)
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** Where a relative specifier of `file` points inside the project (no extension guessing: imports name their file). */
const resolveRelative = (file: string, spec: string): string | undefined =>
  spec.startsWith("./") || spec.startsWith("../") ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)) : undefined

/**
 * Every import cycle among `files` through static imports, type-only ones included (a cycle of types is still two
 * modules that cannot be read apart). A dynamic `import()` is no edge: it is how the CLI defers loading, and a
 * command's program names its command's type while the command lazily imports the program. Each cycle is reported
 * once, as the sorted files of one strongly connected component (Tarjan's algorithm).
 */
export const findCycles = (files: ReadonlyArray<SourceFile>): ReadonlyArray<ReadonlyArray<string>> => {
  const known = new Set(files.map((f) => f.path))
  const edges = new Map<string, ReadonlyArray<string>>()
  for (const file of files) {
    const targets = parseImports(file.path, file.text).flatMap((ref) => {
      const target = ref.kind === "dynamic-import" ? undefined : resolveRelative(file.path, ref.specifier)
      return target !== undefined && known.has(target) ? [target] : []
    })
    edges.set(file.path, targets)
  }
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: Array<string> = []
  const onStack = new Set<string>()
  const cycles: Array<ReadonlyArray<string>> = []
  let next = 0
  const connect = (v: string): void => {
    index.set(v, next)
    low.set(v, next)
    next++
    stack.push(v)
    onStack.add(v)
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!))
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: Array<string> = []
      let w: string
      do {
        w = stack.pop()!
        onStack.delete(w)
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) cycles.push(component.sort())
    }
  }
  for (const file of [...known].sort()) if (!index.has(file)) connect(file)
  return cycles.sort((a, b) => (a[0]! < b[0]! ? -1 : 1))
}
