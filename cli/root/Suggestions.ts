/**
 * cobra's suggestions for an unknown command (`SuggestionsFor`, with its default minimum distance of 2): the commands
 * whose name is within two edits of the typed word, ignoring case, or starts with it.
 */

const MINIMUM_DISTANCE = 2

/** Levenshtein distance, as cobra's `ld(s, t, ignoreCase=true)`. */
export const distance = (s: string, t: string): number => {
  const a = s.toLowerCase()
  const b = t.toLowerCase()
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution))
    }
    previous = current
  }
  return previous[b.length]!
}

export const suggestionsFor = (typed: string, names: ReadonlyArray<string>): ReadonlyArray<string> =>
  names.filter((name) => distance(typed, name) <= MINIMUM_DISTANCE || name.toLowerCase().startsWith(typed.toLowerCase()))

/** What cobra appends to the error: `\n\nDid you mean this?\n\t<name>\n` per suggestion, or nothing. */
export const didYouMean = (typed: string, names: ReadonlyArray<string>): string => {
  const suggestions = suggestionsFor(typed, names)
  return suggestions.length === 0 ? "" : `\n\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join("")}`
}
