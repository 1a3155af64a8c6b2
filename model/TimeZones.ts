import * as Suggest from "./Suggest.ts"

/**
 * IANA time zone names as a Kubernetes CronJob's `timeZone` takes them: checked against the runtime's zone data
 * (`Intl`), and mistyped ones (`Paris`, `new york`, `europe/berlin`) matched to the zone that was meant.
 */

// Kubernetes' own check before time.LoadLocation (validTimeZoneCharacters in pkg/apis/batch/validation): every
// "/"-separated part is 1 to 14 of these characters, is not "." or "..", and does not start with "-".
const PART = /^[A-Za-z0-9._+-]{1,14}$/

const hasZoneShape = (zone: string): boolean =>
  zone.split("/").every((part) => PART.test(part) && part !== "." && part !== ".." && !part.startsWith("-"))

/**
 * Whether Kubernetes would take `zone` as a CronJob time zone, as far as this runtime's zone data tells: a name
 * `Intl.DateTimeFormat` knows, spelled with its exact case. Intl ignores case (`europe/paris` works there), but
 * Kubernetes loads zone files by name and does not, so every part of a name must start with a capital (as all IANA
 * names do) and a name Intl resolves to a different case of itself is refused. Intl's UTC offsets (`+01:00`) and
 * `Local` are refused too, as Kubernetes refuses them.
 */
export const isValidZone = (zone: string): boolean => {
  if (!hasZoneShape(zone) || zone.toLowerCase() === "local") return false
  if (!zone.split("/").every((part) => /^[A-Z]/.test(part))) return false
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone
    // A resolved name that differs from the input only by case is the input miscased; other differences are aliases.
    return resolved === zone || resolved.toLowerCase() !== zone.toLowerCase()
  } catch {
    return false
  }
}

// Spaces, hyphens and underscores are read alike ("new york", "Port au Prince"), and case is ignored.
const keyOf = (name: string): string => name.trim().toLowerCase().replace(/[\s_-]+/g, "_")
const lastPart = (name: string): string => name.slice(name.lastIndexOf("/") + 1)

// The first zone for each key, so that earlier (canonical) entries of `known` win over later aliases.
const index = (zones: ReadonlyArray<string>, key: (zone: string) => string): Map<string, string> => {
  const byKey = new Map<string, string>()
  for (const zone of zones) if (!byKey.has(key(zone))) byKey.set(key(zone), zone)
  return byKey
}

const nearestIn = (byKey: Map<string, string>, key: string): string | undefined => {
  const match = Suggest.nearest(key, byKey.keys())
  return match === undefined ? undefined : byKey.get(match)
}

/**
 * The zone of `known` that an unknown `zone` most likely means, or `undefined`: the same name in another case or with
 * spaces for underscores (`europe/berlin`, `America/New York`), then a city alone (`Paris`, `new york`), then a city
 * under the wrong region (`Europ/Paris`, `US/Paris`), then the nearest name or city by edit distance (`Europe/Berln`,
 * `Pariss`). `known` is the caller's list, e.g. `Intl.supportedValuesOf("timeZone")` plus aliases such as `UTC` that
 * some runtimes leave out of it.
 *
 * @example
 * suggestZone("new york", Intl.supportedValuesOf("timeZone")) // "America/New_York"
 */
export const suggestZone = (zone: string, known: ReadonlyArray<string>): string | undefined => {
  const key = keyOf(zone)
  if (key === "") return undefined
  const byName = index(known, keyOf)
  const byCity = index(known, (name) => keyOf(lastPart(name)))
  const city = keyOf(lastPart(key))
  const suggestion =
    byName.get(key) ??
    byCity.get(city) ??
    nearestIn(byName, key) ??
    nearestIn(byCity, city)
  return suggestion === zone ? undefined : suggestion
}
