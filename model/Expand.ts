/**
 * `$(VAR)` expansion with Kubernetes' semantics, which Tyger documents: one pass, `$(NAME)` replaced when NAME is
 * known and left untouched otherwise, `$$` is a literal `$` (so `$$(X)` is the text `$(X)`), an unclosed `$(` is
 * literal. Tyger's Docker mode turns `$$(X)` into `$)`; that is a bug and not copied.
 */
export const expand = (input: string, lookup: (name: string) => string | undefined): string => {
  if (!input.includes("$")) return input
  let out = ""
  let checkpoint = 0
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== "$" || cursor + 1 >= input.length) continue
    out += input.slice(checkpoint, cursor)
    const next = input[cursor + 1]
    if (next === "$") {
      out += "$"
      cursor += 1
    } else if (next === "(") {
      const close = input.indexOf(")", cursor + 2)
      if (close < 0) {
        out += "$("
        cursor += 1
      } else {
        const name = input.slice(cursor + 2, close)
        out += lookup(name) ?? `$(${name})`
        cursor = close
      }
    } else {
      out += "$" + next
      cursor += 1
    }
    checkpoint = cursor + 1
  }
  return out + input.slice(checkpoint)
}

export type EnvEntry = readonly [name: string, value: string]

/**
 * Expands an ordered environment as a Kubernetes container does: each value sees only the variables defined before
 * it (and `ambient`, which stands for what the container already has). Later duplicates override earlier ones.
 */
export const expandEnvironment = (
  entries: ReadonlyArray<EnvEntry>,
  ambient: (name: string) => string | undefined = () => undefined
): Array<EnvEntry> => {
  const defined = new Map<string, string>()
  const lookup = (name: string) => defined.get(name) ?? ambient(name)
  const out = new Map<string, string>()
  for (const [name, value] of entries) {
    const expanded = expand(value, lookup)
    defined.set(name, expanded)
    out.set(name, expanded)
  }
  return [...out.entries()]
}

/** Expands `command`/`args` against the container's complete environment. */
export const expandAll = (values: ReadonlyArray<string>, env: ReadonlyArray<EnvEntry>): Array<string> => {
  const map = new Map(env)
  return values.map((v) => expand(v, (name) => map.get(name)))
}
