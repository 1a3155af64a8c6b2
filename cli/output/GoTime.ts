/**
 * Go's `time.RFC3339Nano` rendering of a UTC instant, as `encoding/json` prints a `time.Time`: trailing fractional
 * zeros (and a bare dot) are dropped and UTC is written `Z`.
 */
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]00:00)$/i

export const rfc3339Nano = (instant: string | Date): string => {
  const iso = typeof instant === "string" ? instant : instant.toISOString()
  const match = RFC3339.exec(iso)
  if (match === null) {
    // Not UTC (or not RFC 3339): let Date normalise it; millisecond precision is all a Date has.
    const date = new Date(iso)
    return Number.isNaN(date.getTime()) ? iso : rfc3339Nano(date.toISOString())
  }
  const fraction = (match[2] ?? "").slice(0, 9).replace(/0+$/, "")
  return `${match[1]}${fraction === "" ? "" : `.${fraction}`}Z`
}
