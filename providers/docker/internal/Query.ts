// How the Engine API's query strings and path segments spell values.
/** Engine filters: `{ label: ["a=b"] }`. */
export type Filters = Readonly<Record<string, ReadonlyArray<string>>>

// Image names keep their slashes (`registry:5000/team/app:1`), as the docker CLI sends them.
export const id = (value: string): string => value.split("/").map(encodeURIComponent).join("/")
export const flag = (value: boolean): string => (value ? "1" : "0")
export const filtersParam = (filters: Filters | undefined): string | undefined =>
  filters === undefined ? undefined : JSON.stringify(filters)

/**
 * `since`/`until` as the engine reads them: unix `seconds.nanoseconds` (the logs endpoint of API 1.41 accepts nothing
 * else). RFC 3339 strings, such as a log line's timestamp, are converted without losing their nanoseconds.
 */
export const timeParam = (value: Date | number | string | undefined): string | undefined => {
  if (value === undefined) return undefined
  if (typeof value === "string") {
    const rfc3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i.exec(value.trim())
    if (rfc3339 === null) return value
    const seconds = Date.parse(`${rfc3339[1]}${rfc3339[3]}`) / 1000
    return Number.isNaN(seconds) ? value : `${seconds}.${(rfc3339[2] ?? "").padEnd(9, "0")}`
  }
  const ms = typeof value === "number" ? value * 1000 : value.getTime()
  const seconds = Math.floor(ms / 1000)
  return `${seconds}.${String(Math.round((ms - seconds * 1000) * 1e6)).padStart(9, "0")}`
}

/** `name[:tag]` or `name@digest` → the `fromImage` and `tag` query of a pull (tag "latest" by default). */
export const pullQuery = (image: string): { readonly fromImage: string; readonly tag?: string } => {
  if (image.includes("@")) return { fromImage: image }
  const colon = image.lastIndexOf(":")
  return colon > image.lastIndexOf("/")
    ? { fromImage: image.slice(0, colon), tag: image.slice(colon + 1) }
    : { fromImage: image, tag: "latest" }
}
