import * as Problem from "./Problem.ts"

/** Tyger's limits for run and buffer tags. */
export const MAX_TAGS = 100
const KEY = /^[a-zA-Z0-9-_.]{1,128}$/
const VALUE = /^[a-zA-Z0-9-_.]{0,256}$/

export type Tags = { readonly [key: string]: string }

export const validate = (path: string, tags: Tags | undefined): ReadonlyArray<Problem.Problem> => {
  if (tags === undefined) return []
  const problems: Array<Problem.Problem> = []
  const entries = Object.entries(tags)
  if (entries.length > MAX_TAGS) problems.push(Problem.make(path, "No more than 100 tags can be set on a buffer"))
  for (const [key, value] of entries) {
    if (!KEY.test(key)) {
      problems.push(Problem.make(Problem.at(path, key),
        "Tag keys must contain up to 128 letters (a-z, A-Z), numbers (0-9) and underscores (_)"))
    }
    if (!VALUE.test(value)) {
      problems.push(Problem.make(Problem.at(path, key),
        "Tag values can contain up to 256 letters (a-z, A-Z), numbers (0-9) and underscores (_)"))
    }
  }
  return problems
}

/** Parses repeated `k=v` / `k1=v1,k2=v2` flag values as pflag's StringToString does (later keys win). */
export const parseAssignments = (values: ReadonlyArray<string>, flag: string): { tags: Record<string, string> } | { error: string } => {
  const tags: Record<string, string> = {}
  for (const value of values) {
    for (const pair of value.split(",")) {
      const eq = pair.indexOf("=")
      if (eq < 0) return { error: `invalid argument "${value}" for "${flag}" flag: ${pair} must be formatted as key=value` }
      tags[pair.slice(0, eq)] = pair.slice(eq + 1)
    }
  }
  return { tags }
}
