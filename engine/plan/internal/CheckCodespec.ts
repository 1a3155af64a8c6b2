import { Exit } from "effect"
import * as CodespecDocument from "../../../model/CodespecDocument.ts"
import * as CodespecValidation from "../../../model/CodespecValidation.ts"
import * as Problem from "../../../model/Problem.ts"
import * as Quantity from "../../../model/Quantity.ts"
import { hintFor } from "../../../model/QuantityHint.ts"
import * as Suggest from "../../../model/Suggest.ts"

/**
 * A DSL codespec checked in one pass: every problem at once. Decoding stops at a field of the wrong shape, so such
 * fields are reported and left out, and the rest is decoded and validated with Tyger's rules — a codespec with both a
 * bad quantity and a bad name gets both problems, not the second after the first is fixed.
 */
export interface Checked {
  readonly problems: ReadonlyArray<Problem.Problem>
  /** Set when there are no problems. */
  readonly spec: CodespecDocument.Checked | undefined
}

type Mutable = { [key: string]: unknown }

const isObject = (u: unknown): u is Mutable => typeof u === "object" && u !== null && !Array.isArray(u)

const QUANTITY_FIELDS: ReadonlyArray<ReadonlyArray<string>> =
  CodespecValidation.QUANTITIES.map(([, field]) => ["resources", ...field])

const FIELDS: ReadonlyArray<string> = Object.keys(CodespecDocument.Spec.fields)

/** Removes the value at `segments` (or the array holding it), so that the rest can still be decoded. */
const drop = (root: Mutable, segments: ReadonlyArray<PropertyKey>): void => {
  const index = segments.findIndex((s) => typeof s === "number")
  const keys = (index < 0 ? segments : segments.slice(0, index)).map(String)
  let node: unknown = root
  for (const key of keys.slice(0, -1)) node = isObject(node) ? node[key] : undefined
  const last = keys[keys.length - 1]
  if (isObject(node) && last !== undefined) delete node[last]
}

const get = (root: unknown, keys: ReadonlyArray<string>): unknown =>
  keys.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), root)

const shown = (value: unknown): string => (typeof value === "string" ? `'${value}'` : JSON.stringify(value) ?? String(value))

/** Problems the schema would word for a parser, worded for whoever wrote the value. */
const lint = (path: string, copy: Mutable): Array<Problem.Problem> => {
  const problems: Array<Problem.Problem> = []
  for (const keys of QUANTITY_FIELDS) {
    const value = get(copy, keys)
    if (value === undefined) continue
    const valid = (typeof value === "string" || typeof value === "number") && Quantity.parse(typeof value === "string" ? value.trim() : value) !== undefined
    if (valid) continue
    problems.push(Problem.make(Problem.joinPath(path, keys), `${shown(value)} is not a quantity: ${hintFor(typeof value === "number" ? value : String(value))}`))
    drop(copy, keys)
  }
  const env = copy["env"]
  if (isObject(env)) {
    for (const [name, value] of Object.entries(env)) {
      if (typeof value === "string") continue
      problems.push(Problem.make(Problem.joinPath(path, ["env", name]),
        `environment values are strings: write ${JSON.stringify(String(value))}`))
      delete env[name]
    }
  }
  return problems
}

const withSuggestion = (message: string, segments: ReadonlyArray<PropertyKey>): string => {
  const field = segments.length === 1 ? String(segments[0]) : undefined
  return field !== undefined && message === `unknown field '${field}'`
    ? `${message}${Suggest.didYouMean(field, FIELDS)}`
    : message
}

export const check = (path: string, spec: unknown, options: { readonly expectedKind?: CodespecDocument.Kind } = {}): Checked => {
  const copy: Mutable = isObject(spec) ? structuredClone(spec) : {}
  const problems = lint(path, copy)
  // Two attempts: the second without the fields the first could not decode.
  for (let attempt = 0; attempt < 2; attempt++) {
    const exit = CodespecDocument.decodeUnknown(copy, CodespecDocument.decodeOptions)
    if (Exit.isSuccess(exit)) {
      const validated = CodespecValidation.check(path, exit.value, options)
      const seen = new Set(problems.map((p) => p.path))
      problems.push(...validated.problems.filter((p) => !seen.has(p.path)))
      return { problems, spec: problems.length === 0 ? validated.checked : undefined }
    }
    const failure = exit.cause.reasons.find((r) => r._tag === "Fail")
    if (failure?._tag !== "Fail") break
    for (const issue of Problem.issuesOf(failure.error)) {
      problems.push(Problem.make(Problem.joinPath(path, issue.segments), withSuggestion(issue.message, issue.segments)))
      drop(copy, issue.segments)
    }
  }
  return { problems, spec: undefined }
}
