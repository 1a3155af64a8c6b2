import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Duration, Equal, Hash, Result, Schema } from "effect"
import * as TimeSpan from "../../model/TimeSpan.ts"

const seconds = (s: number): TimeSpan.TimeSpan => TimeSpan.fromSeconds(s)
const DAY = 86400
const HOUR = 3600

const ok = (result: Result.Result<TimeSpan.TimeSpan, string>): TimeSpan.TimeSpan => {
  if (Result.isFailure(result)) throw new Error(result.failure)
  return result.success
}

describe("parseTimeToLive", () => {
  test("accepts D, D.HH, D.HH:MM and D.HH:MM:SS", () => {
    const cases: ReadonlyArray<readonly [string, number, string]> = [
      ["0", 0, "0.00:00:00"],
      ["1", DAY, "1.00:00:00"],
      ["1.02", DAY + 2 * HOUR, "1.02:00:00"],
      ["1.02:03", DAY + 2 * HOUR + 180, "1.02:03:00"],
      ["1.02:03:04", DAY + 2 * HOUR + 184, "1.02:03:04"],
      ["0.23:59:59", DAY - 1, "0.23:59:59"],
      ["365", 365 * DAY, "365.00:00:00"],
      ["007.01", 7 * DAY + HOUR, "7.01:00:00"],
      [" \t2.01\n", 2 * DAY + HOUR, "2.01:00:00"],
      ["\u00852\u3000", 2 * DAY, "2.00:00:00"]
    ]
    for (const [input, expected, formatted] of cases) {
      const ttl = ok(TimeSpan.parseTimeToLive(input))
      assert.ok(Equal.equals(ttl, seconds(expected)), JSON.stringify(input))
      assert.equal(TimeSpan.formatTimeToLive(ttl), formatted)
    }
  })

  test("fails with Tyger's messages, quoting the trimmed input", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["", "invalid TTL format: ''"],
      ["   ", "invalid TTL format: ''"],
      ["x", "invalid TTL format: 'x'"],
      ["-1", "invalid TTL format: '-1'"],
      ["1.2", "invalid TTL format: '1.2'"],
      ["1:00", "invalid TTL format: '1:00'"],
      ["1.02:3", "invalid TTL format: '1.02:3'"],
      ["1.02:03:04:05", "invalid TTL format: '1.02:03:04:05'"],
      ["1.02:03:04.5", "invalid TTL format: '1.02:03:04.5'"],
      [" 1 2 ", "invalid TTL format: '1 2'"],
      ["99999999999999999999", "invalid TTL format: '99999999999999999999'"],
      ["1.24", "invalid hours in TTL format: '1.24'"],
      [" 1.99:00 ", "invalid hours in TTL format: '1.99:00'"],
      ["1.23:60", "invalid minutes in TTL format: '1.23:60'"],
      ["1.23:59:60", "invalid seconds TTL format: '1.23:59:60'"]
    ]
    for (const [input, message] of cases) {
      assert.deepEqual(TimeSpan.parseTimeToLive(input), Result.fail(message), JSON.stringify(input))
    }
  })

  test("formatTimeToLive uses %d.%02d:%02d:%02d", () => {
    assert.equal(TimeSpan.formatTimeToLive(TimeSpan.ONE_DAY), "1.00:00:00")
    assert.equal(TimeSpan.formatTimeToLive(TimeSpan.ONE_HOUR), "0.01:00:00")
    assert.equal(TimeSpan.formatTimeToLive(TimeSpan.ZERO), "0.00:00:00")
    assert.equal(TimeSpan.formatTimeToLive(seconds(100 * DAY + 5)), "100.00:00:05")
    assert.equal(TimeSpan.formatTimeToLive(seconds(90.9)), "0.00:01:30")
  })
})

describe("parseBufferTtl", () => {
  test("accepts D.HH:MM and D.HH:MM:SS", () => {
    const cases: ReadonlyArray<readonly [string, number]> = [
      ["1.02:00", DAY + 2 * HOUR],
      ["0.00:30", 1800],
      ["1.02:00:30", DAY + 2 * HOUR + 30],
      ["10.23:59:59", 11 * DAY - 1]
    ]
    for (const [input, expected] of cases) {
      assert.ok(Equal.equals(ok(TimeSpan.parseBufferTtl(input)), seconds(expected)), input)
    }
  })

  test("rejects anything else with Tyger's message", () => {
    const inputs = [
      "1", "1.02", "02:00", "1.2:00", "1.02:00:3", " 1.02:00", "1.02:00 ", "-1.02:00", "1.24:00", "1.02:60"
    ]
    for (const input of inputs) {
      assert.deepEqual(
        TimeSpan.parseBufferTtl(input),
        Result.fail(`invalid buffer TTL format: ${input} (should be D.HH:MM)`),
        JSON.stringify(input)
      )
    }
  })
})

describe(".NET TimeSpan format", () => {
  const formatted: ReadonlyArray<readonly [TimeSpan.TimeSpan, string]> = [
    [TimeSpan.ONE_HOUR, "01:00:00"],
    [TimeSpan.ONE_DAY, "1.00:00:00"],
    [TimeSpan.ZERO, "00:00:00"],
    [seconds(2 * DAY + 12 * HOUR + 1800), "2.12:30:00"],
    [seconds(30), "00:00:30"],
    [seconds(0.5), "00:00:00.5000000"],
    [TimeSpan.fromTicks(1n), "00:00:00.0000001"],
    [TimeSpan.fromMillis(1234), "00:00:01.2340000"],
    [seconds(-(DAY + HOUR + 61)), "-1.01:01:01"],
    [TimeSpan.fromTicks(-1n), "-00:00:00.0000001"],
    [TimeSpan.fromTicks((1n << 63n) - 1n), "10675199.02:48:05.4775807"],
    [TimeSpan.fromTicks(-(1n << 63n)), "-10675199.02:48:05.4775808"]
  ]

  test("formatDotNet writes the constant (c) format", () => {
    for (const [t, expected] of formatted) {
      assert.equal(TimeSpan.formatDotNet(t), expected)
      assert.equal(t.toString(), expected)
    }
  })

  test("parseDotNet reads what formatDotNet writes", () => {
    for (const [t, text] of formatted) assert.ok(Equal.equals(ok(TimeSpan.parseDotNet(text)), t), text)
  })

  test("parseDotNet accepts the shorter invariant forms", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["1", "1.00:00:00"],
      ["1.02:00", "1.02:00:00"],
      ["1:2", "01:02:00"],
      ["1:2:3", "01:02:03"],
      ["00:00:00.5", "00:00:00.5000000"],
      ["-01:00", "-01:00:00"],
      ["23:59:59.9999999", "23:59:59.9999999"]
    ]
    for (const [input, expected] of cases) {
      assert.equal(TimeSpan.formatDotNet(ok(TimeSpan.parseDotNet(input))), expected, input)
    }
  })

  test("parseDotNet rejects malformed and out-of-range values", () => {
    const inputs = [
      "",
      "bad",
      " 01:00:00",
      "01:00:00 ",
      "24:00:00",
      "00:60:00",
      "00:00:60",
      "1.24:00",
      "00:00:00.12345678",
      "001:00:00",
      "1.",
      "--1",
      "10675199.02:48:05.4775808",
      "-10675199.02:48:05.4775809"
    ]
    for (const input of inputs) {
      assert.deepEqual(
        TimeSpan.parseDotNet(input),
        Result.fail(`invalid TimeSpan '${input}': expected [-][d.]hh:mm[:ss[.fffffff]]`),
        JSON.stringify(input)
      )
    }
  })
})

describe("TimeSpan value", () => {
  test("equal lengths are Equal with equal hashes", () => {
    const pairs: ReadonlyArray<readonly [TimeSpan.TimeSpan, TimeSpan.TimeSpan]> = [
      [ok(TimeSpan.parseTimeToLive("1")), TimeSpan.ONE_DAY],
      [ok(TimeSpan.parseDotNet("1.00:00:00")), ok(TimeSpan.parseTimeToLive("1.00:00:00"))],
      [seconds(HOUR), TimeSpan.ONE_HOUR],
      [TimeSpan.fromMillis(HOUR * 1000), ok(TimeSpan.parseDotNet("01:00"))],
      [ok(TimeSpan.parseBufferTtl("0.01:00")), TimeSpan.ONE_HOUR]
    ]
    for (const [a, b] of pairs) {
      assert.ok(Equal.equals(a, b), `${a} = ${b}`)
      assert.equal(Hash.hash(a), Hash.hash(b))
    }
    assert.ok(!Equal.equals(TimeSpan.ONE_HOUR, TimeSpan.ONE_DAY))
    assert.ok(!Equal.equals(TimeSpan.ONE_HOUR, seconds(HOUR + 0.0000001)))
    assert.ok(!Equal.equals(TimeSpan.ONE_HOUR, "01:00:00"))
  })

  test("conversions", () => {
    assert.equal(TimeSpan.toSeconds(TimeSpan.ONE_DAY), DAY)
    assert.equal(TimeSpan.toSeconds(seconds(1.5)), 1.5)
    assert.equal(TimeSpan.toMillis(TimeSpan.ONE_HOUR), HOUR * 1000)
    assert.equal(TimeSpan.ONE_HOUR.ticks, 36_000_000_000n)
    assert.equal(Duration.toMillis(TimeSpan.toDuration(TimeSpan.ONE_HOUR)), HOUR * 1000)
    assert.equal(Duration.toNanosUnsafe(TimeSpan.toDuration(TimeSpan.fromTicks(3n))), 300n)
    assert.throws(() => TimeSpan.fromSeconds(Number.NaN), RangeError)
    assert.ok(TimeSpan.isTimeSpan(TimeSpan.ZERO))
    assert.ok(!TimeSpan.isTimeSpan({ ticks: 0n }))
    assert.equal(JSON.stringify({ bufferAccessTtl: TimeSpan.ONE_HOUR }), `{"bufferAccessTtl":"01:00:00"}`)
  })
})

describe("TimeSpan.schema", () => {
  const decode = Schema.decodeUnknownSync(TimeSpan.schema)
  const encode = Schema.encodeSync(TimeSpan.schema)

  test("round-trips the server's format", () => {
    for (const text of ["01:00:00", "2.12:30:00", "00:00:30", "00:00:00.0000001", "-1.00:00:00"]) {
      assert.equal(encode(decode(text)), text)
    }
    assert.equal(encode(decode("1.02:00")), "1.02:00:00")
    assert.ok(Equal.equals(decode("01:00:00"), TimeSpan.ONE_HOUR))
  })

  test("reports bad values", () => {
    assert.throws(() => decode("25:00:00"), {
      message: "invalid TimeSpan '25:00:00': expected [-][d.]hh:mm[:ss[.fffffff]]"
    })
    for (const input of [3600, null, undefined, {}]) assert.throws(() => decode(input))
  })
})
