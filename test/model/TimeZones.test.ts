import assert from "node:assert/strict"
import { describe, test } from "node:test"
import * as TimeZones from "../../model/TimeZones.ts"

// A fixed list keeps the suggestions independent of each runtime's zone data (which differ, e.g. Kyiv or Kiev).
const KNOWN: ReadonlyArray<string> = [
  "UTC",
  "Etc/UTC",
  "GMT",
  "Africa/Cairo",
  "America/Argentina/Buenos_Aires",
  "America/Buenos_Aires",
  "America/Los_Angeles",
  "America/New_York",
  "America/Port-au-Prince",
  "America/Sao_Paulo",
  "Asia/Tokyo",
  "Australia/Sydney",
  "Etc/GMT+5",
  "Etc/GMT-5",
  "Europe/Berlin",
  "Europe/Isle_of_Man",
  "Europe/London",
  "Europe/Paris"
]

describe("TimeZones.suggestZone", () => {
  const cases: ReadonlyArray<readonly [string, string | undefined]> = [
    // A city alone.
    ["Paris", "Europe/Paris"],
    ["paris", "Europe/Paris"],
    ["new york", "America/New_York"],
    ["New York", "America/New_York"],
    ["new-york", "America/New_York"],
    ["  los angeles ", "America/Los_Angeles"],
    ["port au prince", "America/Port-au-Prince"],
    ["isle of man", "Europe/Isle_of_Man"],
    // The earlier of two zones for one city.
    ["buenos aires", "America/Argentina/Buenos_Aires"],
    // The full name in another case or spelling.
    ["europe/berlin", "Europe/Berlin"],
    ["EUROPE/PARIS", "Europe/Paris"],
    ["America/New York", "America/New_York"],
    ["utc", "UTC"],
    ["etc/utc", "Etc/UTC"],
    ["gmt", "GMT"],
    ["etc/gmt-5", "Etc/GMT-5"],
    ["etc/gmt+5", "Etc/GMT+5"],
    // A city under the wrong region.
    ["Europ/Paris", "Europe/Paris"],
    ["US/Paris", "Europe/Paris"],
    ["Asia/London", "Europe/London"],
    // Typos.
    ["Europe/Berlim", "Europe/Berlin"],
    ["Europe/Pari", "Europe/Paris"],
    ["Pariss", "Europe/Paris"],
    ["Berlim", "Europe/Berlin"],
    ["Tokio", "Asia/Tokyo"],
    ["Nwe York", "America/New_York"],
    ["Sydeny", "Australia/Sydney"],
    // Nothing close.
    ["Mars/Olympus_Mons", undefined],
    ["LA", undefined],
    ["", undefined],
    ["   ", undefined],
    // A zone already in the list suggests nothing.
    ["Europe/Paris", undefined]
  ]
  for (const [zone, expected] of cases) {
    test(`${JSON.stringify(zone)} → ${expected}`, () => assert.equal(TimeZones.suggestZone(zone, KNOWN), expected))
  }

  test("uses only the zones it is given", () => {
    assert.equal(TimeZones.suggestZone("Paris", []), undefined)
    assert.equal(TimeZones.suggestZone("Paris", ["Europe/Berlin"]), undefined)
    assert.equal(TimeZones.suggestZone("Paris", ["Somewhere/Paris", "Europe/Paris"]), "Somewhere/Paris")
  })

  test("with the runtime's own zone list", () => {
    const intl = Intl as { supportedValuesOf?: (key: string) => ReadonlyArray<string> }
    const known = ["UTC", ...(intl.supportedValuesOf?.("timeZone") ?? [])]
    assert.equal(TimeZones.suggestZone("Paris", known), "Europe/Paris")
    assert.equal(TimeZones.suggestZone("new york", known), "America/New_York")
    assert.equal(TimeZones.suggestZone("europe/berlin", known), "Europe/Berlin")
    assert.equal(TimeZones.suggestZone("Europ/Paris", known), "Europe/Paris")
    assert.equal(TimeZones.suggestZone("tokyo", known), "Asia/Tokyo")
    assert.equal(TimeZones.suggestZone("utc", known), "UTC")
  })
})

describe("TimeZones.isValidZone", () => {
  const validZones = [
    "UTC",
    "Etc/UTC",
    "GMT",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Argentina/Buenos_Aires",
    "America/Port-au-Prince",
    "America/Indiana/Indianapolis",
    "Europe/Isle_of_Man",
    "Etc/GMT+5",
    "Etc/GMT-14",
    "Asia/Kolkata",
    "Asia/Calcutta",
    "US/Eastern",
    "Australia/Sydney"
  ]
  for (const zone of validZones) {
    test(`accepts ${zone}`, () => assert.equal(TimeZones.isValidZone(zone), true))
  }

  const invalidZones = [
    "",
    "Paris",
    "Europe/Pari",
    "Mars/Olympus",
    // Intl ignores case but Kubernetes does not.
    "europe/paris",
    "Europe/PARIS",
    "utc",
    "etc/utc",
    // Intl takes UTC offsets (ES2024) but Kubernetes' zone names cannot hold ':' or start with a sign.
    "+01:00",
    "+0100",
    "-05:00",
    "Local",
    "local",
    "Europe/Paris ",
    " Europe/Paris",
    "Europe//Paris",
    "Europe/../Paris",
    "../Europe/Paris",
    "America/New York"
  ]
  for (const zone of invalidZones) {
    test(`refuses ${JSON.stringify(zone)}`, () => assert.equal(TimeZones.isValidZone(zone), false))
  }

  test("accepts every zone the runtime lists", () => {
    const intl = Intl as { supportedValuesOf?: (key: string) => ReadonlyArray<string> }
    const zones = intl.supportedValuesOf?.("timeZone") ?? []
    assert.deepEqual(zones.filter((zone) => !TimeZones.isValidZone(zone)), [])
  })
})
