import { constants as FsConstants } from "node:fs"
import * as FsPromises from "node:fs/promises"
import { Effect, FileSystem, type PlatformError, Schema } from "effect"
import {
  type Document,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  type Pair,
  parseDocument,
  stringify as yamlStringify,
  type YAMLMap
} from "yaml"
import type * as CodespecDocument from "../../model/CodespecDocument.ts"
import * as Problem from "../../model/Problem.ts"
import type * as Run from "../../dsl/Run.ts"
import * as FileDocuments from "./FileDocuments.ts"
import * as YamlLimits from "./YamlLimits.ts"

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

const syntaxError = (file: string, problems: ReadonlyArray<{ readonly path: string; readonly message: string }>) =>
  new TygerFileError({ reason: "Syntax", file, problems })

// The `yaml` composer recurses per nesting level and reports running out of stack as an ordinary error.
const STACK_EXHAUSTED = "Maximum call stack size exceeded"

/** `a.b[0]."c d"` (Problem.joinPath's form) as segments; quoted keys are JSON strings. */
const segmentsOf = (path: string): Array<string | number> => {
  const out: Array<string | number> = []
  let i = 0
  while (i < path.length) {
    const c = path[i]
    if (c === ".") i++
    else if (c === "[") {
      const end = path.indexOf("]", i)
      if (end < 0) break
      out.push(Number(path.slice(i + 1, end)))
      i = end + 1
    } else if (c === "\"") {
      let j = i + 1
      while (j < path.length && path[j] !== "\"") j += path[j] === "\\" ? 2 : 1
      try {
        out.push(JSON.parse(path.slice(i, j + 1)) as string)
      } catch {
        break
      }
      i = j + 1
    } else {
      let j = i
      while (j < path.length && path[j] !== "." && path[j] !== "[") j++
      out.push(path.slice(i, j))
      i = j
    }
  }
  return out
}

/** The line of the deepest node a path reaches; a map entry is located by its key. Maps are indexed once. */
const lineFinder = (doc: Document.Parsed, lineCounter: LineCounter) => {
  const indexes = new WeakMap<YAMLMap, Map<string, Pair>>()
  const pairOf = (map: YAMLMap, key: string): Pair | undefined => {
    let index = indexes.get(map)
    if (index === undefined) {
      index = new Map()
      for (const pair of map.items) {
        if (isScalar(pair.key) && !index.has(String(pair.key.value))) index.set(String(pair.key.value), pair)
      }
      indexes.set(map, index)
    }
    return index.get(key)
  }
  const lineAt = (node: unknown): number | undefined =>
    isNode(node) && node.range !== undefined && node.range !== null ? lineCounter.linePos(node.range[0]).line : undefined
  return (path: string): number | undefined => {
    let node: unknown = doc.contents
    let line = lineAt(node)
    for (const segment of segmentsOf(path)) {
      if (isMap(node) && typeof segment === "string") {
        const pair = pairOf(node, segment)
        if (pair === undefined) break
        line = lineAt(pair.key) ?? line
        node = pair.value
      } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
        node = node.items[segment]
        line = lineAt(node) ?? line
      } else break
    }
    return line
  }
}

const parse = (text: string, file: string): Parsed | TygerFileError => {
  if (text.length > YamlLimits.MAX_FILE_BYTES) return syntaxError(file, [{ path: "", message: YamlLimits.TOO_LARGE_MESSAGE }])
  const lineCounter = new LineCounter()
  const at = (offset: number, message: string) => ({ path: "", message: `line ${lineCounter.linePos(offset).line}: ${message}` })
  // Duplicate keys are found by YamlLimits in one pass: the package's `uniqueKeys` compares each key with every
  // earlier one, which is quadratic (200k keys took minutes).
  let doc: Document.Parsed
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false })
  } catch (error) {
    if (error instanceof RangeError) return syntaxError(file, [{ path: "", message: YamlLimits.TOO_DEEP_MESSAGE }])
    throw error
  }
  if (doc.errors.length > 0) {
    const deep = doc.errors.find((e) => e.message.startsWith(STACK_EXHAUSTED))
    return syntaxError(file, deep !== undefined
      ? [at(deep.pos[0], YamlLimits.TOO_DEEP_MESSAGE)]
      : doc.errors.map((e) => at(e.pos[0], e.message.split("\n")[0] ?? "")))
  }
  const shape = YamlLimits.check(doc)
  if (shape.length > 0) return syntaxError(file, shape.map((p) => at(p.offset, p.message)))
  let value: unknown
  try {
    // The package's own bound on alias chains (nested "billion laughs"); sizes are bounded by YamlLimits.check.
    value = doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    if (error instanceof RangeError || error instanceof ReferenceError) {
      return syntaxError(file, [{ path: "", message: error.message }])
    }
    throw error
  }
  return { value: value ?? {}, lineOf: lineFinder(doc, lineCounter) }
}

const located = (parsed: Parsed, problems: ReadonlyArray<Problem.Problem>) =>
  problems.map((p) => {
    const line = parsed.lineOf(p.path)
    return { path: line === undefined ? p.path : p.path === "" ? `line ${line}` : `line ${line}: ${p.path}`, message: p.message }
  })

// Go's texts for the errors opening a file can meet (`open x: no such file or directory`).
const ERRNO_TEXT: { readonly [code: string]: string } = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a directory",
  ENOTDIR: "not a directory",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long"
}

const systemText = (error: PlatformError.PlatformError): string => {
  const reason = error.reason
  const cause = reason.cause as { readonly code?: unknown } | undefined
  const code = typeof cause?.code === "string" ? cause.code : undefined
  if (code !== undefined && ERRNO_TEXT[code] !== undefined) return ERRNO_TEXT[code]
  if (reason._tag === "NotFound") return ERRNO_TEXT["ENOENT"]!
  if (reason._tag === "PermissionDenied") return ERRNO_TEXT["EACCES"]!
  return reason.description ?? reason.message
}

/** How long a pipe may keep a spec file's reader waiting for a writer, or for its next bytes. */
export const STREAM_IDLE_MS = 10_000

/**
 * At most MAX_FILE_BYTES + 1 bytes of a pipe or device, read without blocking. EAGAIN is "nothing yet"; so is an end
 * before the first byte of a FIFO, which a non-blocking reader sees until a writer has opened it (Go's blocking open
 * would wait for that writer, forever if none comes): both are waited for at most `idleMs`.
 */
export const readStream = async (file: string, idleMs: number = STREAM_IDLE_MS): Promise<Uint8Array> => {
  const handle = await FsPromises.open(file, FsConstants.O_RDONLY | FsConstants.O_NONBLOCK)
  try {
    const fifo = (await handle.stat()).isFIFO()
    const buffer = new Uint8Array(YamlLimits.MAX_FILE_BYTES + 1)
    let filled = 0
    let idleSince = Date.now()
    while (filled < buffer.length) {
      let n: number | undefined
      try {
        n = (await handle.read(buffer, filled, buffer.length - filled, null)).bytesRead
      } catch (error) {
        if ((error as { code?: string }).code !== "EAGAIN") throw error
      }
      if (n === 0 && !(fifo && filled === 0)) break
      if (n === undefined || n === 0) {
        if (Date.now() - idleSince > idleMs) {
          throw new Error(filled === 0 && fifo ? `no writer opened it within ${idleMs / 1000} s` : `no data for ${idleMs / 1000} s`)
        }
        await new Promise((resolve) => setTimeout(resolve, 10))
        continue
      }
      filled += n
      idleSince = Date.now()
    }
    return buffer.subarray(0, filled)
  } finally {
    await handle.close()
  }
}

const nodeText = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * A spec file's text, refused before anything is parsed when it is not a regular file (a directory, a FIFO that
 * would block forever, a device like /dev/zero that never ends) or is larger than 1 MiB. At most the limit + 1 bytes
 * are read, so a file growing while it is read cannot exhaust memory either.
 */
const readText = Effect.fnUntraced(function*(file: string) {
  const fs = yield* FileSystem.FileSystem
  const unreadable = (message: string) => new TygerFileError({ reason: "Unreadable", file, problems: [{ path: "", message }] })
  const info = yield* fs.stat(file).pipe(Effect.mapError((e) => unreadable(`open ${file}: ${systemText(e)}`)))
  // Go's os.ReadFile reports a directory when it reads it.
  if (info.type === "Directory") return yield* unreadable(`read ${file}: is a directory`)
  const tooLarge = unreadable(`read ${file}: ${YamlLimits.TOO_LARGE_MESSAGE}`)
  // `-f /dev/stdin` with a pipe, as Tyger's users write: a pipe or a device is read without blocking, bounded in size
  // and in waiting, so a FIFO with no writer ends at once and /dev/zero at the size limit.
  if (info.type === "FIFO" || info.type === "CharacterDevice") {
    const streamed = yield* Effect.tryPromise({ try: () => readStream(file), catch: (e) => unreadable(`read ${file}: ${nodeText(e)}`) })
    if (streamed.length > YamlLimits.MAX_FILE_BYTES) return yield* tooLarge
    return new TextDecoder().decode(streamed)
  }
  if (info.type !== "File") return yield* unreadable(`open ${file}: not a regular file`)
  if (Number(info.size) > YamlLimits.MAX_FILE_BYTES) return yield* tooLarge
  const bytes = yield* Effect.scoped(Effect.gen(function*() {
    const handle = yield* fs.open(file, { flag: "r" })
    const buffer = new Uint8Array(YamlLimits.MAX_FILE_BYTES + 1)
    let filled = 0
    while (filled < buffer.length) {
      const n = yield* handle.read(buffer.subarray(filled))
      if (n === 0) break
      filled += n
    }
    return buffer.subarray(0, filled)
  })).pipe(Effect.mapError((e) => unreadable(`read ${file}: ${systemText(e)}`)))
  if (bytes.length > YamlLimits.MAX_FILE_BYTES) return yield* tooLarge
  return new TextDecoder().decode(bytes)
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
