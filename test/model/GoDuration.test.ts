import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Duration, Result, Schema } from "effect"
import * as GoDuration from "../../model/GoDuration.ts"

const ns = 1n
const us = 1000n * ns
const ms = 1000n * us
const s = 1000n * ms
const m = 60n * s
const h = 60n * m
const max = (1n << 63n) - 1n
const min = -(1n << 63n)

// Go's parseDurationTests (src/time/time_test.go) plus Tyger's flag examples.
const valid: ReadonlyArray<readonly [string, bigint]> = [
  ["0", 0n],
  ["5s", 5n * s],
  ["30s", 30n * s],
  ["1478s", 1478n * s],
  ["-5s", -5n * s],
  ["+5s", 5n * s],
  ["-0", 0n],
  ["+0", 0n],
  ["5.0s", 5n * s],
  ["5.6s", 5n * s + 600n * ms],
  ["5.s", 5n * s],
  [".5s", 500n * ms],
  ["1.0s", 1n * s],
  ["1.00s", 1n * s],
  ["1.004s", 1n * s + 4n * ms],
  ["1.0040s", 1n * s + 4n * ms],
  ["100.00100s", 100n * s + 1n * ms],
  ["10ns", 10n * ns],
  ["11us", 11n * us],
  ["12\u00b5s", 12n * us],
  ["12\u03bcs", 12n * us],
  ["13ms", 13n * ms],
  ["14s", 14n * s],
  ["15m", 15n * m],
  ["16h", 16n * h],
  ["3h30m", 3n * h + 30n * m],
  ["10.5s4m", 4n * m + 10n * s + 500n * ms],
  ["-2m3.4s", -(2n * m + 3n * s + 400n * ms)],
  ["1h2m3s4ms5us6ns", h + 2n * m + 3n * s + 4n * ms + 5n * us + 6n * ns],
  ["39h9m14.425s", 39n * h + 9n * m + 14n * s + 425n * ms],
  ["52763797000ns", 52763797000n * ns],
  ["0.3333333333333333333h", 20n * m],
  ["9007199254740993ns", (1n << 53n) + 1n],
  ["9223372036854775807ns", max],
  ["9223372036854775.807us", max],
  ["9223372036s854ms775us807ns", max],
  ["-9223372036854775808ns", min],
  ["-9223372036854775.808us", min],
  ["-9223372036s854ms775us808ns", min],
  ["-2562047h47m16.854775808s", min],
  ["0.100000000000000000000h", 6n * m],
  ["0.830103483285477580700h", 49n * m + 48n * s + 372539827n * ns],
  ["300s", 300n * s],
  ["1.5h", 90n * m],
  ["2h45m", 2n * h + 45n * m],
  ["1s", s]
]

const invalid: ReadonlyArray<readonly [string, string]> = [
  ["", `time: invalid duration ""`],
  ["3", `time: missing unit in duration "3"`],
  ["-", `time: invalid duration "-"`],
  ["s", `time: invalid duration "s"`],
  [".", `time: invalid duration "."`],
  ["-.", `time: invalid duration "-."`],
  [".s", `time: invalid duration ".s"`],
  ["+.s", `time: invalid duration "+.s"`],
  ["1d", `time: unknown unit "d" in duration "1d"`],
  ["10", `time: missing unit in duration "10"`],
  ["5x", `time: unknown unit "x" in duration "5x"`],
  ["1..5s", `time: missing unit in duration "1..5s"`],
  ["1h 30m", `time: unknown unit "h " in duration "1h 30m"`],
  [" 1s", `time: invalid duration " 1s"`],
  ["1S", `time: unknown unit "S" in duration "1S"`],
  ["\u00851", `time: invalid duration "\\xc2\\x851"`],
  ["\u0663s", `time: invalid duration "\\xd9\\xa3s"`],
  ["5\u00b5x", `time: unknown unit "\\xc2\\xb5x" in duration "5\\xc2\\xb5x"`],
  ["\t", `time: invalid duration "\\x09"`],
  [`"`, `time: invalid duration "\\""`],
  [`"\\"`, `time: invalid duration "\\"\\\\\\""`],
  ["9223372036854775808ns", `time: invalid duration "9223372036854775808ns"`],
  ["9223372036854775810ns", `time: invalid duration "9223372036854775810ns"`],
  ["9223372036854775.808us", `time: invalid duration "9223372036854775.808us"`],
  ["9223372036854ms775us808ns", `time: invalid duration "9223372036854ms775us808ns"`],
  ["-9223372036854775809ns", `time: invalid duration "-9223372036854775809ns"`],
  ["99999999999999999999h", `time: invalid duration "99999999999999999999h"`]
]

describe("GoDuration.parseDuration", () => {
  test("matches time.ParseDuration on valid input", () => {
    for (const [input, expected] of valid) {
      assert.deepEqual(GoDuration.parseDuration(input), Result.succeed(expected), JSON.stringify(input))
      assert.equal(GoDuration.unsafeParseDuration(input), expected)
    }
  })

  test("fails with Go's exact messages", () => {
    for (const [input, message] of invalid) {
      assert.deepEqual(GoDuration.parseDuration(input), Result.fail(message), JSON.stringify(input))
      assert.throws(() => GoDuration.unsafeParseDuration(input), { message })
    }
  })

  test("a uint64 overflow of the running sum wraps as in Go", () => {
    assert.deepEqual(GoDuration.parseDuration("9223372036854775808ns9223372036854775808ns"), Result.succeed(0n))
  })
})

describe("GoDuration conversions", () => {
  test("toWholeSeconds truncates like int(d.Seconds())", () => {
    const cases: ReadonlyArray<readonly [string, number]> = [
      ["300s", 300],
      ["1.5h", 5400],
      ["2h45m", 9900],
      ["1.9s", 1],
      ["999ms", 0],
      ["-1.9s", -1],
      ["0", 0],
      ["9223372036854775807ns", 9223372036]
    ]
    for (const [input, expected] of cases) {
      assert.equal(GoDuration.toWholeSeconds(GoDuration.unsafeParseDuration(input)), expected, input)
    }
  })

  test("formatDuration matches Duration.String()", () => {
    // Go's durationTests (src/time/time_test.go).
    const cases: ReadonlyArray<readonly [bigint, string]> = [
      [0n, "0s"],
      [1n * ns, "1ns"],
      [1100n * ns, "1.1\u00b5s"],
      [2200n * us, "2.2ms"],
      [3300n * ms, "3.3s"],
      [4n * m + 5n * s, "4m5s"],
      [4n * m + 5001n * ms, "4m5.001s"],
      [5n * h + 6n * m + 7001n * ms, "5h6m7.001s"],
      [8n * m + 1n * ns, "8m0.000000001s"],
      [max, "2562047h47m16.854775807s"],
      [min, "-2562047h47m16.854775808s"],
      [h, "1h0m0s"],
      [m, "1m0s"],
      [-1500n * ms, "-1.5s"]
    ]
    for (const [nanos, expected] of cases) assert.equal(GoDuration.formatDuration(nanos), expected)
  })

  test("toDuration", () => {
    assert.equal(Duration.toMillis(GoDuration.toDuration(GoDuration.unsafeParseDuration("1.5s"))), 1500)
    assert.equal(Duration.toNanosUnsafe(GoDuration.toDuration(7n)), 7n)
  })
})

describe("GoDuration.schema", () => {
  const decode = Schema.decodeUnknownSync(GoDuration.schema)
  const encode = Schema.encodeSync(GoDuration.schema)

  test("decodes to nanoseconds and encodes Go's String() form", () => {
    assert.equal(decode("2h45m"), 2n * h + 45n * m)
    assert.equal(encode(2n * h + 45n * m), "2h45m0s")
    for (const [input, nanos] of valid) assert.equal(decode(encode(nanos)), nanos, input)
  })

  test("reports Go's message", () => {
    assert.throws(() => decode("10"), { message: `time: missing unit in duration "10"` })
    for (const input of [10, null, undefined, 10n]) assert.throws(() => decode(input))
  })
})
