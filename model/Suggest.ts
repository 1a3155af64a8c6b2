/**
 * "Did you mean" suggestions for names a user mistyped (an option, a parameter, a weekday), so that a message can
 * name the fix instead of only the mistake.
 */

// Optimal string alignment distance (Levenshtein plus swapping two neighbours, the commonest typo: "teh"), over code
// points so that a non-ASCII letter counts as one edit. Gives up with `limit + 1` once every path costs more than
// `limit`, which keeps a scan of a long candidate list cheap.
const distance = (a: ReadonlyArray<string>, b: ReadonlyArray<string>, limit: number): number => {
  if (Math.abs(a.length - b.length) > limit) return limit + 1
  let before: Array<number> = []
  let previous: Array<number> = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current: Array<number> = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (before[j - 2] ?? 0) + 1)
      current.push(d)
      best = Math.min(best, d)
    }
    if (best > limit) return limit + 1
    before = previous
    previous = current
  }
  return previous[b.length] ?? limit + 1
}

const letters = (s: string): ReadonlyArray<string> => Array.from(s.toLowerCase())

/**
 * The candidate closest to `word` by case-insensitive edit distance (insertions, deletions, substitutions and swaps
 * of neighbouring letters), if it is close enough to be a typo: at most `maxDistance` edits, by default one per three
 * letters of `word` (at least one). A candidate as far away as rewriting every letter (`y` for `x`) is never
 * suggested: that is another word, not a typo. Ties go to the earlier candidate.
 *
 * @example
 * nearest("Forbidd", ["Allow", "Forbid", "Replace"]) // "Forbid"
 * nearest("cpu", ["memory", "gpu"], { maxDistance: 0 }) // undefined
 */
export const nearest = (
  word: string,
  candidates: Iterable<string>,
  options?: { readonly maxDistance?: number }
): string | undefined => {
  const target = letters(word)
  const limit = options?.maxDistance ?? Math.max(1, Math.floor(target.length / 3))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of candidates) {
    const other = letters(candidate)
    const d = distance(target, other, Math.min(limit, bestDistance - 1))
    if (d < bestDistance && d <= limit && d < Math.max(target.length, other.length)) {
      best = candidate
      bestDistance = d
      if (d === 0) break
    }
  }
  return best
}

/** The only candidate that starts with `word` (case-insensitively), if exactly one does. */
const startingWith = (word: string, candidates: ReadonlyArray<string>): string | undefined => {
  const found = candidates.filter((c) => c.toLowerCase().startsWith(word.toLowerCase()))
  return found.length === 1 ? found[0] : undefined
}

/**
 * ` (did you mean 'x'?)` for the nearest candidate, or `""` when none is close (or the nearest is `word` itself, which
 * would suggest nothing), ready to append to a message.
 *
 * @example
 * `unknown option 'replica'${didYouMean("replica", ["replicas", "nodePool"])}` // "unknown option 'replica' (did you mean 'replicas'?)"
 */
export const didYouMean = (word: string, candidates: Iterable<string>): string => {
  const list = Array.from(candidates)
  // A word cut short (`timeout` for `timeoutSeconds`) is far by edits but plainly the longer name.
  const suggestion = nearest(word, list) ?? (word.length >= 3 ? startingWith(word, list) : undefined)
  return suggestion === undefined || suggestion === word ? "" : ` (did you mean '${suggestion}'?)`
}

/**
 * Quoted items joined for a sentence: `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`; `none` when there are none, so that
 * "its parameters are none" still reads.
 */
export const listOf = (items: ReadonlyArray<string>): string => {
  const quoted = items.map((item) => `'${item}'`)
  const last = quoted.pop()
  if (last === undefined) return "none"
  return quoted.length === 0 ? last : `${quoted.join(", ")} and ${last}`
}
