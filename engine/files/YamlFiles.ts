import { Effect, FileSystem, Schema } from "effect"
import { isNode, LineCounter, parseDocument, stringify as yamlStringify } from "yaml"
import type * as CodespecDocument from "../../model/CodespecDocument.ts"
import * as Problem from "../../model/Problem.ts"
import type * as Run from "../../dsl/Run.ts"
import * as FileDocuments from "./FileDocuments.ts"

/** Tyger's YAML spec files as text: parse with positions so problems name their line, and print back. */
export class TygerFileError extends Schema.TaggedError<TygerFileError>()("TygerFileError", {
  reason: Schema.Literals(["Unreadable", "Syntax", "Invalid"]),
  file: Schema.String,
  problems: Schema.Array(Schema.Struct({ path: Schema.String, message: Schema.String }))
}) {
  /** Tyger's CLI wording: `failed to parse file X: ...`. */
  override get message(): string {
    return `failed to parse file ${this.file}: ${Problem.render(this.problems)}`
  }
}

interface Parsed {
  readonly value: unknown
  readonly lineOf: (path: string) => number | undefined
}

const parse = (text: string, file: string): Parsed | TygerFileError => {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false })
  if (doc.errors.length > 0) {
    return new TygerFileError({
      reason: "Syntax",
      file,
      problems: doc.errors.map((e) => ({
        path: "",
        message: `line ${lineCounter.linePos(e.pos[0]).line}: ${e.message.split("\n")[0]}`
      }))
    })
  }
  const lineOf = (path: string): number | undefined => {
    const segments = path === "" ? [] : path.split(/\.|\[(\d+)\]/).filter((s) => s !== undefined && s !== "")
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/^"|"$/g, "")))
    for (let n = segments.length; n >= 0; n--) {
      // A map entry is located by its key (`buffer:` rather than the block under it), anything else by its node.
      const parent = n > 0 ? doc.getIn(segments.slice(0, n - 1), true) : undefined
      if (isNode(parent) && "items" in parent) {
        const pair = (parent.items as Array<{ key?: unknown }>).find((item) =>
          isNode(item.key) && (item.key as { value?: unknown }).value === segments[n - 1])
        if (pair !== undefined && isNode(pair.key) && pair.key.range) return lineCounter.linePos(pair.key.range[0]).line
      }
      const node = doc.getIn(segments.slice(0, n), true)
      if (isNode(node) && node.range !== undefined && node.range !== null) return lineCounter.linePos(node.range[0]).line
    }
    return undefined
  }
  return { value: doc.toJS() ?? {}, lineOf }
}

const located = (parsed: Parsed, problems: ReadonlyArray<Problem.Problem>) =>
  problems.map((p) => {
    const line = parsed.lineOf(p.path)
    return { path: line === undefined ? p.path : p.path === "" ? `line ${line}` : `line ${line}: ${p.path}`, message: p.message }
  })

const readText = Effect.fnUntraced(function*(file: string) {
  const fs = yield* FileSystem.FileSystem
  return yield* fs.readFileString(file).pipe(
    Effect.mapError(() => new TygerFileError({ reason: "Unreadable", file, problems: [{ path: "", message: `open ${file}: no such file or directory` }] }))
  )
})

const decodeText = <A>(
  text: string,
  file: string,
  decode: (document: unknown) => FileDocuments.Decoded<A | undefined>
): Effect.Effect<A, TygerFileError> => {
  const parsed = parse(text, file)
  if (parsed instanceof TygerFileError) return Effect.fail(parsed)
  const decoded = decode(parsed.value)
  return decoded.value === undefined || decoded.problems.length > 0
    ? Effect.fail(new TygerFileError({ reason: "Invalid", file, problems: located(parsed, decoded.problems) }))
    : Effect.succeed(decoded.value)
}

export const parseCodespec = (text: string, file: string) => decodeText(text, file, (d) => FileDocuments.decodeCodespec(d))
export const parseRun = (text: string, file: string, name?: string) =>
  decodeText(text, file, (d) => FileDocuments.decodeRun(d, name))

export const loadCodespecFile = Effect.fn("YamlFiles.loadCodespecFile")(function*(file: string) {
  return yield* parseCodespec(yield* readText(file), file)
})

export const loadRunFile = Effect.fn("YamlFiles.loadRunFile")(function*(file: string, name?: string) {
  return yield* parseRun(yield* readText(file), file, name)
})

/** Raw document of a YAML file (for `tyger plan`, which decides between a codespec and a run file). */
export const loadDocument = Effect.fn("YamlFiles.loadDocument")(function*(file: string) {
  const parsed = parse(yield* readText(file), file)
  if (parsed instanceof TygerFileError) return yield* parsed
  return parsed.value
})

export const stringify = (value: unknown): string => yamlStringify(value, { lineWidth: 0 })

export const printCodespec = (spec: CodespecDocument.Spec): string => stringify(FileDocuments.encodeCodespec(spec))

export const printRun = (run: Run.Any): Effect.Effect<string, TygerFileError> => {
  const encoded = FileDocuments.encodeRun(run)
  return encoded.value === undefined
    ? Effect.fail(new TygerFileError({ reason: "Invalid", file: "<run>", problems: encoded.problems }))
    : Effect.succeed(stringify(encoded.value))
}
