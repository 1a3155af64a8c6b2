// The pure parts of `tyger run …`: `--since` parsing, log line rendering and the Run JSON Tyger's CLI prints.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import * as LogLines from "../../../cli/run/LogLines.ts"
import * as RunJson from "../../../cli/run/RunJson.ts"
import * as Since from "../../../cli/run/Since.ts"
import type { RunRecord } from "../../../engine/store/RunRecord.ts"

const ms = (millis: number) => BigInt(millis) * 1_000_000n

describe("--since", () => {
  const now = new Date(2024, 0, 25, 12, 30, 15, 250)

  test("RFC 3339 with a zone, to the nanosecond", () => {
    assert.equal(Since.parse("2024-01-25T10:00:00Z"), ms(Date.UTC(2024, 0, 25, 10)))
    assert.equal(Since.parse("2024-01-25T10:00:00.123456789Z"), ms(Date.UTC(2024, 0, 25, 10)) + 123_456_789n)
    assert.equal(Since.parse("2024-01-25T12:00:00+02:00"), ms(Date.UTC(2024, 0, 25, 10)))
    assert.equal(Since.parse("2024-01-25 10:00:00 UTC"), ms(Date.UTC(2024, 0, 25, 10)))
    assert.equal(Since.parse("2024-01-25T05:30:00-0430"), ms(Date.UTC(2024, 0, 25, 10)))
  })

  test("dates and times without a zone are local", () => {
    assert.equal(Since.parse("2024-01-25"), ms(new Date(2024, 0, 25).getTime()))
    assert.equal(Since.parse("2024/1/5"), ms(new Date(2024, 0, 5).getTime()))
    assert.equal(Since.parse("2024-01-25 10:00"), ms(new Date(2024, 0, 25, 10).getTime()))
    assert.equal(Since.parse("2024-01-25T10:00:30.5"), ms(new Date(2024, 0, 25, 10, 0, 30, 500).getTime()))
  })

  test("keywords and relative offsets, from now", () => {
    const at = (millis: number) => ms(now.getTime() + millis)
    assert.equal(Since.parse("now", now), at(0))
    assert.equal(Since.parse("-1h", now), at(-3_600_000))
    assert.equal(Since.parse("-1h30m", now), at(-5_400_000))
    assert.equal(Since.parse("-90 minutes", now), at(-5_400_000))
    assert.equal(Since.parse("2 days ago", now), at(-2 * 86_400_000))
    assert.equal(Since.parse("+1 week", now), at(7 * 86_400_000))
    assert.equal(Since.parse("today", now), ms(new Date(2024, 0, 25).getTime()))
    assert.equal(Since.parse("yesterday", now), ms(new Date(2024, 0, 24).getTime()))
    assert.equal(Since.parse("yesterday -2h", now), ms(new Date(2024, 0, 23, 22).getTime()))
    assert.equal(Since.parse("-1 month", now), ms(new Date(2023, 11, 25, 12, 30, 15, 250).getTime()))
  })

  test("anything else is Tyger's `failed to parse time X`", () => {
    for (const text of ["", "garbage", "2024-13-01", "2024-02-30", "1 fortnightly", "-1", "25/01/2024"]) {
      assert.equal(Since.parse(text, now), undefined, text)
    }
    assert.equal(Since.failedToParse("garbage"), "failed to parse time garbage")
  })

  test("milliseconds for millisecond filters: the floor", () => {
    assert.equal(Since.toMillis(1_500_000n), 1)
    assert.equal(Since.toMillis(2_000_000n), 2)
  })
})

describe("log lines", () => {
  test("timestamps have nine fractional digits and Z; the prefix is followed by a space", () => {
    assert.equal(LogLines.timestampOf("1700000000123456789"), "2023-11-14T22:13:20.123456789Z")
    assert.equal(LogLines.timestampOf("1700000000000000000"), "2023-11-14T22:13:20.000000000Z")
    const line = { timestamp: "1700000000000000001", prefix: "[main]", text: "hello" }
    assert.equal(LogLines.format(line, false), "[main] hello\n")
    assert.equal(LogLines.format(line, true), "2023-11-14T22:13:20.000000001Z [main] hello\n")
    assert.equal(LogLines.format({ ...line, prefix: "" }, false), "hello\n")
  })
})

const record = (overrides: Partial<RunRecord> = {}): RunRecord => ({
  id: 7,
  createdAt: Date.UTC(2025, 2, 14, 6, 43, 18, 950),
  status: "Running",
  statusReason: undefined,
  runningCount: undefined,
  startedAt: Date.UTC(2025, 2, 14, 6, 43, 19),
  finishedAt: undefined,
  tags: { z: "1", a: "2" },
  document: {
    job: {
      codespec: { kind: "job", name: "hello", version: 2, createdAt: "2025-03-14T06:40:00.100+00:00", image: "busybox" },
      buffers: { output: "b", input: "a" },
      replicas: 1
    },
    timeoutSeconds: 43200,
    bufferAccessTtl: "01:00:00"
  },
  buffers: { output: "b", input: "a" },
  plan: {},
  monitor: undefined,
  logsArchived: false,
  final: false,
  eTag: "123",
  ...overrides
})

describe("Run JSON", () => {
  test("Go's field order and omitempty; maps sorted; times RFC 3339 with Z", () => {
    assert.equal(RunJson.marshal(RunJson.toJson(record())), [
      "{",
      "  \"id\": 7,",
      "  \"status\": \"Running\",",
      "  \"createdAt\": \"2025-03-14T06:43:18.95Z\",",
      "  \"startedAt\": \"2025-03-14T06:43:19Z\",",
      "  \"job\": {",
      "    \"codespec\": {",
      "      \"kind\": \"job\",",
      "      \"name\": \"hello\",",
      "      \"version\": 2,",
      "      \"createdAt\": \"2025-03-14T06:40:00.1Z\",",
      "      \"image\": \"busybox\"",
      "    },",
      "    \"buffers\": {",
      "      \"input\": \"a\",",
      "      \"output\": \"b\"",
      "    },",
      "    \"replicas\": 1",
      "  },",
      "  \"timeoutSeconds\": 43200,",
      "  \"tags\": {",
      "    \"a\": \"2\",",
      "    \"z\": \"1\"",
      "  },",
      "  \"eTag\": \"123\",",
      "  \"bufferAccessTtl\": \"01:00:00\"",
      "}"
    ].join("\n"))
  })

  test("watch's metadata: the system fields only, tags never", () => {
    const ended = record({ status: "Failed", statusReason: "Main exited with code 3", finishedAt: Date.UTC(2025, 2, 14, 6, 44) })
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(RunJson.metadataJson(ended)))),
      ["id", "status", "statusReason", "createdAt", "startedAt", "finishedAt"])
  })
})
