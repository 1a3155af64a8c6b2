import { type Document, isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair } from "yaml"

/**
 * What a spec file may hold before it is turned into values: a bounded size, bounded nesting, only the plain YAML
 * kinds (maps, sequences, scalars) and unique keys. Tyger's Go CLI reads files whole and recursively; here a hostile
 * file (a huge or endless one, a deep one, an alias bomb) is refused with a message instead of exhausting memory,
 * the stack or time.
 */

/** The largest spec file read (and the most its aliases may expand to): 1 MiB, far above any real spec. */
export const MAX_FILE_BYTES = 1024 * 1024
/** Collections nested deeper than this are refused; real specs nest five or six levels. */
export const MAX_DEPTH = 100

export const TOO_LARGE_MESSAGE = "the file is larger than 1 MiB"
export const TOO_DEEP_MESSAGE = `the document nests deeper than ${MAX_DEPTH} levels`
export const EXPANSION_MESSAGE = "the document's aliases expand it beyond 1 MiB"
export const DUPLICATE_KEY_MESSAGE = "Map keys must be unique"

// The YAML 1.2 core schema's tags (and `!`, "no particular tag"): everything a JSON value can be. YAML 1.1 tags the
// `yaml` package also knows (!!set, !!omap, !!binary, !!timestamp, ...) turn into JS values (Set, Map, Uint8Array,
// Date) that a codespec cannot hold, so they would be dropped silently; custom tags mean nothing to Tyger.
const CORE = "tag:yaml.org,2002:"
const ALLOWED_TAGS: ReadonlySet<string> = new Set(["!", ...["map", "seq", "str", "int", "float", "bool", "null"].map((t) => CORE + t)])

const shownTag = (tag: string) => (tag.startsWith(CORE) ? `!!${tag.slice(CORE.length)}` : tag)

export const tagMessage = (tag: string): string =>
  `the YAML tag '${shownTag(tag)}' is not supported: write plain maps, sequences and scalars`

/** A problem at a character offset of the text. */
export interface Located {
  readonly offset: number
  readonly message: string
}

/** What a node expands to: its size (characters, roughly) and how many collections deep it goes. */
interface Measure {
  readonly size: number
  readonly height: number
}

const LEAF: Measure = { size: 1, height: 0 }

type Item = Node | Pair | null | undefined

interface Frame {
  readonly node: Node | Pair
  readonly children: ReadonlyArray<Item>
  /** Collections above this node, this one included when it is one. */
  readonly depth: number
  readonly level: boolean
  next: number
  size: number
  height: number
}

const offsetOf = (node: Item): number =>
  node !== null && node !== undefined && !isPair(node) && node.range !== undefined && node.range !== null ? node.range[0] : 0

// Keys as the plain JS object will hold them, where `1` and "1" are the same key.
const keyOf = (key: unknown): string | undefined =>
  isScalar(key) ? (key.value === null ? "" : String(key.value)) : undefined

const duplicateKeys = (items: ReadonlyArray<Pair>): Array<Located> => {
  const seen = new Set<string>()
  const problems: Array<Located> = []
  for (const pair of items) {
    const key = keyOf(pair.key)
    if (key === undefined) continue
    if (seen.has(key)) problems.push({ offset: offsetOf(pair.key as Node), message: DUPLICATE_KEY_MESSAGE })
    seen.add(key)
  }
  return problems
}

const childrenOf = (node: Node | Pair): ReadonlyArray<Item> => {
  if (isPair(node)) return [node.key as Item, node.value as Item]
  if (isMap(node)) return node.items.flatMap((pair) => [pair.key as Item, pair.value as Item])
  if (isSeq(node)) return node.items as ReadonlyArray<Item>
  return []
}

// A pair inside a sequence (`[a: 1]`) becomes a one-entry map: a level of its own.
const isLevel = (node: Node | Pair, parent: Frame | undefined): boolean =>
  isMap(node) || isSeq(node) || (isPair(node) && parent !== undefined && isSeq(parent.node))

/**
 * Every problem of a parsed document's shape, in one pass over its nodes (no recursion, linear in the nodes): tags
 * outside the core schema, duplicate keys, nesting deeper than {@link MAX_DEPTH} and aliases that expand the document
 * beyond {@link MAX_FILE_BYTES} or into themselves. Depth and expansion stop the walk: what is below is not looked at.
 */
export const check = (doc: Document.Parsed): ReadonlyArray<Located> => {
  const problems: Array<Located> = []
  const root = doc.contents
  if (root === null) return problems
  // Each anchor's latest definition up to here, as an alias resolves it; `open` while the anchored node is walked.
  const anchors = new Map<string, Measure | "open">()
  const stack: Array<Frame> = []

  const enter = (node: Item, parent: Frame | undefined): Measure | undefined => {
    const depth = parent?.depth ?? 0
    if (node === null || node === undefined) return LEAF
    if (isAlias(node)) {
      const target = anchors.get(node.source)
      if (target === "open") {
        problems.push({ offset: offsetOf(node), message: `the alias *${node.source} is inside the node it refers to` })
        return undefined
      }
      const measure = target ?? LEAF
      if (depth + measure.height > MAX_DEPTH) {
        problems.push({ offset: offsetOf(node), message: TOO_DEEP_MESSAGE })
        return undefined
      }
      return measure
    }
    if (!isPair(node) && node.tag !== undefined && !ALLOWED_TAGS.has(node.tag)) {
      problems.push({ offset: offsetOf(node), message: tagMessage(node.tag) })
    }
    if (isScalar(node)) {
      const measure = { size: Math.max(1, (node.source ?? String(node.value)).length), height: 0 }
      if (node.anchor !== undefined) anchors.set(node.anchor, measure)
      return measure
    }
    const level = isLevel(node, parent)
    if (level && depth + 1 > MAX_DEPTH) {
      problems.push({ offset: offsetOf(node), message: TOO_DEEP_MESSAGE })
      return undefined
    }
    if (isMap(node)) problems.push(...duplicateKeys(node.items))
    if (!isPair(node) && node.anchor !== undefined) anchors.set(node.anchor, "open")
    stack.push({ node, children: childrenOf(node), depth: depth + (level ? 1 : 0), level, next: 0, size: level ? 1 : 0, height: 0 })
    return undefined
  }

  // A scalar document has nothing to walk; a collection is pushed and walked below.
  if (enter(root, undefined) !== undefined) return problems
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!
    if (frame.next < frame.children.length) {
      const measure = enter(frame.children[frame.next++], frame)
      if (measure === undefined) {
        // Either a collection was pushed (it reports back when done) or the walk must stop.
        if (stack[stack.length - 1] === frame) return problems
        continue
      }
      frame.size += measure.size
      frame.height = Math.max(frame.height, measure.height)
      continue
    }
    stack.pop()
    const measure: Measure = { size: frame.size, height: frame.height + (frame.level ? 1 : 0) }
    if (measure.size > MAX_FILE_BYTES) {
      problems.push({ offset: offsetOf(frame.node), message: EXPANSION_MESSAGE })
      return problems
    }
    if (!isPair(frame.node) && frame.node.anchor !== undefined) anchors.set(frame.node.anchor, measure)
    const parent = stack[stack.length - 1]
    if (parent !== undefined) {
      parent.size += measure.size
      parent.height = Math.max(parent.height, measure.height)
    }
  }
  return problems
}
