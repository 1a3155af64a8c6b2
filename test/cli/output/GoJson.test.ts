import assert from "node:assert/strict"
import { describe, test } from "node:test"
import * as GoJson from "../../../cli/output/GoJson.ts"
import { rfc3339Nano } from "../../../cli/output/GoTime.ts"

describe("goJson.marshalIndent", () => {
  test("prefix quirk: every line after the first carries the prefix", () => {
    const value = { kind: "job", buffers: { inputs: ["a", "b"] }, image: "busybox" }
    assert.equal(
      GoJson.marshalIndent(value, "  ", "  "),
      "{\n" +
        "    \"kind\": \"job\",\n" +
        "    \"buffers\": {\n" +
        "      \"inputs\": [\n" +
        "        \"a\",\n" +
        "        \"b\"\n" +
        "      ]\n" +
        "    },\n" +
        "    \"image\": \"busybox\"\n" +
        "  }"
    )
  })

  test("arrays of objects, as codespec list prints them", () => {
    assert.equal(
      GoJson.marshalIndent([{ a: 1 }, { b: true }], "  ", "  "),
      "[\n    {\n      \"a\": 1\n    },\n    {\n      \"b\": true\n    }\n  ]"
    )
  })

  test("empty collections stay compact; no prefix without a newline", () => {
    assert.equal(GoJson.marshalIndent([], "  ", "  "), "[]")
    assert.equal(GoJson.marshalIndent({}, "  ", "  "), "{}")
    assert.equal(GoJson.marshalIndent({ a: [], b: {} }, "", "  "), "{\n  \"a\": [],\n  \"b\": {}\n}")
    assert.equal(GoJson.marshalIndent("x", "  ", "  "), "\"x\"")
  })

  test("(\"\", \"  \") is plain two-space indentation", () => {
    assert.equal(GoJson.marshalIndent({ a: { b: null } }, "", "  "), "{\n  \"a\": {\n    \"b\": null\n  }\n}")
  })

  test("undefined fields are omitted, toJSON is honoured, insertion order is kept", () => {
    const quantity = { toJSON: () => "500m" }
    assert.equal(GoJson.marshal({ z: 1, a: undefined, cpu: quantity, m: 2 }), "{\"z\":1,\"cpu\":\"500m\",\"m\":2}")
  })

  test("HTML characters and line separators are escaped like encoding/json", () => {
    assert.equal(GoJson.quote("a<b>&c"), "\"a\\u003cb\\u003e\\u0026c\"")
    assert.equal(GoJson.quote("\u2028\u2029"), "\"\\u2028\\u2029\"")
    assert.equal(GoJson.quote("cat \"$INPUT_PIPE\" > \"$OUTPUT_PIPE\""), "\"cat \\\"$INPUT_PIPE\\\" \\u003e \\\"$OUTPUT_PIPE\\\"\"")
  })

  test("control characters: Go's short escapes (\\b and \\f since Go 1.22), else \\u00xx", () => {
    assert.equal(GoJson.quote("\b\f\n\r\t\\"), "\"\\b\\f\\n\\r\\t\\\\\"")
    assert.equal(GoJson.quote("\u0000\u0001\u001f\u007f"), "\"\\u0000\\u0001\\u001f\u007f\"")
  })

  test("non-ASCII passes through; a lone surrogate becomes \\ufffd", () => {
    assert.equal(GoJson.quote("héllo 世界 😀"), "\"héllo 世界 😀\"")
    assert.equal(GoJson.quote("a\ud800b"), "\"a\\ufffdb\"")
  })

  test("numbers: integers as is, floats with Go's exponent cleanup, -0 kept", () => {
    assert.equal(GoJson.marshal([1, -2, 1.5, 1e-7, 1e21, 123456789012, -0]), "[1,-2,1.5,1e-7,1e+21,123456789012,-0]")
    assert.throws(() => GoJson.marshal(Number.NaN), /unsupported value/)
  })
})

describe("goTime.rfc3339Nano", () => {
  test("trailing fractional zeros and a bare dot are dropped; UTC is Z", () => {
    assert.equal(rfc3339Nano("2025-03-14T06:43:18.958490Z"), "2025-03-14T06:43:18.95849Z")
    assert.equal(rfc3339Nano("2025-03-14T06:43:18.000Z"), "2025-03-14T06:43:18Z")
    assert.equal(rfc3339Nano("2025-03-14T06:43:18.123456+00:00"), "2025-03-14T06:43:18.123456Z")
    assert.equal(rfc3339Nano(new Date(Date.UTC(2024, 0, 25, 18, 20, 49, 950))), "2024-01-25T18:20:49.95Z")
  })

  test("other offsets are converted to UTC", () => {
    assert.equal(rfc3339Nano("2025-03-14T08:43:18.5+02:00"), "2025-03-14T06:43:18.5Z")
  })
})
