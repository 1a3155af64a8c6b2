import { Schema, SchemaIssue } from "effect"

/** One thing wrong with a workflow, codespec or run, located by a dotted path (`runs.nightly.job.buffers.Input`). */
export interface Problem {
  readonly path: string
  readonly message: string
}

export const make = (path: string, message: string): Problem => ({ path, message })

/** Joins path segments the way users read them: `a.b[0].c`; keys that are not identifiers are quoted. */
export const joinPath = (base: string, segments: ReadonlyArray<PropertyKey>): string => {
  let out = base
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`
    else {
      const key = String(segment)
      const part = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key)
      out += out === "" ? part : `.${part}`
    }
  }
  return out
}

export const at = (base: string, ...segments: ReadonlyArray<PropertyKey>): string => joinPath(base, segments)

// Structural issues are recognised by their tag, not by effect's default wording (which is "Expected no excess
// property" for an unknown key in effect 4.1); the leaf hook marks them so the path-aware message can be built below.
const UNEXPECTED_KEY = "\u0000UnexpectedKey"
const MISSING_KEY = "\u0000MissingKey"

const formatter = SchemaIssue.makeFormatterStandardSchemaV1({
  leafHook: (issue) =>
    issue._tag === "UnexpectedKey" ? UNEXPECTED_KEY : issue._tag === "MissingKey" ? MISSING_KEY : SchemaIssue.defaultLeafHook(issue)
})

const structuralMessage = (message: string, path: ReadonlyArray<PropertyKey>): string => {
  if (message === UNEXPECTED_KEY) return `unknown field '${String(path[path.length - 1])}'`
  if (message === MISSING_KEY) return `the field '${String(path[path.length - 1])}' is required`
  return message
}

/** The leaf issues of a Schema decoding failure, each with the path segments it sits at. */
export const issuesOf = (error: Schema.SchemaError): ReadonlyArray<{ readonly segments: ReadonlyArray<PropertyKey>; readonly message: string }> =>
  formatter(error.issue).issues.map((issue) => {
    const segments = (issue.path ?? []).map((p) => (typeof p === "object" ? p.key : p))
    return { segments, message: structuralMessage(issue.message, segments) }
  })

/** Flattens a Schema decoding failure into problems, one per leaf issue, under `base`. */
export const fromSchemaError = (base: string, error: Schema.SchemaError): ReadonlyArray<Problem> =>
  issuesOf(error).map(({ message, segments }) => make(joinPath(base, segments), message))

/** Renders problems one per line, `path: message`, as the CLI and `tyger plan` print them. */
export const render = (problems: ReadonlyArray<Problem>): string =>
  problems.map((p) => (p.path === "" ? p.message : `${p.path}: ${p.message}`)).join("\n")
