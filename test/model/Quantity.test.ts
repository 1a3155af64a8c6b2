import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Equal, Hash, Result, Schema } from "effect"
import * as Quantity from "../../model/Quantity.ts"

const q = (s: string | number): Quantity.Quantity => Quantity.unsafeParse(s)

// Expected outputs follow k8s.io/apimachinery resource.Quantity.String() (quantity_test.go tables plus derivations).
const canonical: ReadonlyArray<readonly [string, string]> = [
  ["1000m", "1"],
  ["1.5", "1500m"],
  ["0.5", "500m"],
  ["1024Mi", "1Gi"],
  ["1G", "1G"],
  ["2000000", "2M"],
  ["100M", "100M"],
  ["1.5Gi", "1536Mi"],
  ["3000m", "3"],
  ["4G", "4G"],
  ["0", "0"],
  ["128974848", "128974848"],
  ["123Mi", "123Mi"],
  ["0.1", "100m"],
  ["1.100", "1100m"],
  ["1.2345", "1234500u"],
  // Exponent notation keeps its format in Kubernetes: it is never rewritten with an SI suffix.
  ["1e3", "1e3"],
  ["129e6", "129e6"],
  ["1E6", "1e6"],
  ["1.2e3", "1200"],
  ["1.3E+6", "1300e3"],
  ["1.40e9", "1400e6"],
  ["1E-3", "1e-3"],
  ["0.5e-1", "50e-3"],
  [".001e12", "1e9"],
  ["0.001e0", "1e-3"],
  ["1000e-12", "1e-9"],
  ["1.1E-9", "2e-9"],
  ["1e14", "100e12"],
  ["1e1000000", "10e999999"],
  // Binary suffixes stay binary only for whole numbers of at least 1024.
  ["1Ki", "1Ki"],
  ["307200Ki", "300Mi"],
  ["1025024Mi", "1001Gi"],
  ["1024Gi", "1Ti"],
  ["1000Ki", "1000Ki"],
  ["3Ei", "3Ei"],
  ["100Ti", "100Ti"],
  ["0.5Mi", "512Ki"],
  [".001Ki", "1024m"],
  [".000001Ki", "1024u"],
  [".000000001Ki", "1024n"],
  [".000000000001Ki", "2n"],
  ["100.035Ki", "102435840m"],
  ["0.05Gi", "53687091200m"],
  ["0.025Ti", "27487790694400m"],
  ["9Ei", "9223372036854775807"],
  ["9223372036854775807Ki", "9223372036854775807"],
  // Decimal suffixes pick the largest one that keeps the mantissa whole.
  ["5000m", "5"],
  ["1000M", "1G"],
  ["0.001T", "1G"],
  ["1000u", "1m"],
  ["1.08", "1080m"],
  ["1080000000n", "1080m"],
  ["50k", "50k"],
  ["40T", "40T"],
  ["100.035k", "100035"],
  ["10.035M", "10035k"],
  ["7.123456M", "7123456"],
  ["5.444T", "5444G"],
  ["40.1T", "40100G"],
  ["2.5P", "2500T"],
  ["1.01E", "1010P"],
  ["12E", "12E"],
  ["1000E", "1000E"],
  ["0.0005k", "500m"],
  ["3.001n", "4n"],
  ["0.9n", "1n"],
  ["0.0000000001", "1n"],
  ["0.00000012345", "124n"],
  // Inputs Kubernetes accepts although they look malformed.
  ["00", "0"],
  [".0001k", "100m"],
  ["1.", "1"],
  ["1.G", "1G"],
  ["+5", "5"],
  ["-", "0"],
  ["+", "0"],
  ["-0", "0"],
  ["0Ki", "0"],
  // Go parses the exponent as int64 and truncates it to int32.
  ["1e4294967296", "1"]
]

const invalid: ReadonlyArray<readonly [string, string]> = [
  ["", Quantity.ErrFormatWrong],
  ["1.1.M", Quantity.ErrFormatWrong],
  ["1+1.0M", Quantity.ErrFormatWrong],
  ["0.1am", Quantity.ErrFormatWrong],
  ["aoeu", Quantity.ErrFormatWrong],
  [" 1", Quantity.ErrFormatWrong],
  ["1 ", Quantity.ErrFormatWrong],
  ["1 Gi", Quantity.ErrFormatWrong],
  ["0.1mi", Quantity.ErrSuffix],
  [".5i", Quantity.ErrSuffix],
  ["1i", Quantity.ErrSuffix],
  ["-3.01i", Quantity.ErrSuffix],
  ["-3.01e-", Quantity.ErrSuffix],
  ["1e", Quantity.ErrSuffix],
  ["1ee3", Quantity.ErrSuffix],
  ["1KI", Quantity.ErrFormatWrong],
  ["1Ki3", Quantity.ErrSuffix],
  ["1e99999999999999999999", Quantity.ErrSuffix]
]

describe("Quantity canonical form", () => {
  test("matches resource.Quantity.String()", () => {
    for (const [input, expected] of canonical) assert.equal(q(input).toString(), expected, input)
  })

  test("negated inputs print negated", () => {
    for (const [input, expected] of canonical) {
      if (expected === "0" || input.startsWith("-") || input.startsWith("+")) continue
      assert.equal(q(`-${input}`).toString(), `-${expected}`, `-${input}`)
    }
  })

  test("canonical strings are fixed points", () => {
    for (const [, expected] of canonical) assert.equal(q(expected).toString(), expected, expected)
  })

  test("ErrFormatWrong is Kubernetes' wording", () => {
    assert.equal(
      Quantity.ErrFormatWrong,
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )
  })

  test("rejects malformed input with Kubernetes' messages", () => {
    for (const [input, message] of invalid) {
      assert.deepEqual(Quantity.parseQuantity(input), Result.fail(message), JSON.stringify(input))
      assert.equal(Quantity.parse(input), undefined)
      assert.throws(() => Quantity.unsafeParse(input), { message: `cannot parse '${input}': ${message}` })
    }
  })

  test("format records the suffix family", () => {
    assert.equal(q("1Gi").format, "BinarySI")
    assert.equal(q("0.5Ki").format, "BinarySI")
    assert.equal(q("0.0001Ki").format, "DecimalSI")
    assert.equal(q("1e3").format, "DecimalExponent")
    assert.equal(q("1k").format, "DecimalSI")
  })
})

describe("Quantity from JSON numbers", () => {
  const numbers: ReadonlyArray<readonly [number, string]> = [
    [0, "0"],
    [-0, "0"],
    [1, "1"],
    [0.1, "100m"],
    [1.5, "1500m"],
    [0.25, "250m"],
    [2000000, "2M"],
    [1e3, "1k"],
    [1e21, "1000E"],
    [1e-7, "100n"],
    [1.5e-7, "150n"],
    [-2.5, "-2500m"],
    [4294967296, "4294967296"]
  ]
  test("are read in plain decimal notation, as Tyger's server does", () => {
    for (const [input, expected] of numbers) assert.equal(q(input).toString(), expected, String(input))
  })
  test("non-finite numbers are rejected", () => {
    for (const input of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      assert.equal(Quantity.parse(input), undefined)
    }
  })
})

describe("Quantity equality", () => {
  const equal: ReadonlyArray<readonly [string | number, string | number]> = [
    ["1", "1000m"],
    ["1Gi", "1024Mi"],
    ["1Gi", "1073741824"],
    ["1k", "1e3"],
    ["0.1", 0.1],
    ["0", "0Ki"],
    ["0", "-0"],
    ["0.1n", "1n"],
    ["1.5Gi", "1536Mi"],
    ["2", 2],
    ["500m", "0.5"]
  ]
  test("equal values are Equal with equal hashes", () => {
    for (const [a, b] of equal) {
      assert.ok(Equal.equals(q(a), q(b)), `${a} = ${b}`)
      assert.equal(Hash.hash(q(a)), Hash.hash(q(b)), `hash ${a} = ${b}`)
      assert.equal(Quantity.compare(q(a), q(b)), 0)
    }
  })
  test("different values are not Equal", () => {
    for (const [a, b] of [["1", "1001m"], ["1Gi", "1G"], ["1Ki", "1k"], ["-1", "1"], ["1n", "2n"]] as const) {
      assert.ok(!Equal.equals(q(a), q(b)), `${a} != ${b}`)
    }
    assert.ok(!Equal.equals(q("1"), 1))
    assert.ok(!Equal.equals(q("1"), "1"))
  })
  test("compare orders by value", () => {
    assert.equal(Quantity.compare(q("999m"), q("1")), -1)
    assert.equal(Quantity.compare(q("1Gi"), q("1G")), 1)
    assert.equal(Quantity.compare(q("-1"), q("0")), -1)
    assert.equal(Quantity.compare(q("1e3"), q("1Ki")), -1)
    assert.equal(Quantity.compare(q("1e2147483647"), q("9Ei")), 1)
    assert.equal(Quantity.compare(q("-1e2147483647"), q("-1")), -1)
    assert.equal(Quantity.compare(q("1n"), q("1e2147483647")), -1)
    assert.equal(Quantity.compare(q("99"), q("100")), -1)
    assert.equal(Quantity.compare(q("-99"), q("-100")), 1)
  })
  test("isQuantity", () => {
    assert.ok(Quantity.isQuantity(q("1")))
    assert.ok(!Quantity.isQuantity("1"))
    assert.ok(!Quantity.isQuantity({ mantissa: 1n, exponent: 0 }))
    assert.ok(!Quantity.isQuantity(null))
  })
})

describe("Quantity accessors", () => {
  test("toMilli and toBytes round up like MilliValue and Value", () => {
    const cases: ReadonlyArray<readonly [string, bigint, bigint]> = [
      ["100m", 100n, 1n],
      ["1.5", 1500n, 2n],
      ["1", 1000n, 1n],
      ["1n", 1n, 1n],
      ["0.5", 500n, 1n],
      ["1Gi", 1073741824000n, 1073741824n],
      ["1.5Gi", 1610612736000n, 1610612736n],
      ["128974848", 128974848000n, 128974848n],
      ["1e3", 1000000n, 1000n],
      ["0", 0n, 0n],
      ["-1.5", -1500n, -1n],
      ["-1n", 0n, 0n]
    ]
    for (const [input, milli, bytes] of cases) {
      assert.equal(q(input).toMilli(), milli, `${input} milli`)
      assert.equal(q(input).toBytes(), bytes, `${input} bytes`)
    }
  })
  test("toNumber", () => {
    assert.equal(q("0.1").toNumber(), 0.1)
    assert.equal(q("1.5Gi").toNumber(), 1610612736)
    assert.equal(q("250m").toNumber(), 0.25)
    assert.equal(q("-2k").toNumber(), -2000)
    assert.equal(q("0").toNumber(), 0)
  })
  test("JSON.stringify writes the canonical string", () => {
    assert.equal(JSON.stringify({ cpu: q("1000m"), memory: q("1024Mi") }), `{"cpu":"1","memory":"1Gi"}`)
  })
})

describe("Quantity.schema", () => {
  const decode = Schema.decodeUnknownSync(Quantity.schema)
  const encode = Schema.encodeSync(Quantity.schema)

  test("decodes strings (trimmed) and numbers", () => {
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      ["1000m", "1"],
      [" 1Gi\n", "1Gi"],
      [0.5, "500m"],
      [2, "2"],
      ["1e3", "1e3"]
    ]
    for (const [input, expected] of cases) assert.equal(decode(input).toString(), expected)
  })

  test("encodes the canonical string and round-trips", () => {
    for (const [input, expected] of canonical) {
      const decoded = decode(input)
      assert.equal(encode(decoded), expected)
      assert.ok(Equal.equals(decode(encode(decoded)), decoded), input)
    }
  })

  test("reports Kubernetes' message for bad strings", () => {
    assert.throws(() => decode("abc"), { message: Quantity.ErrFormatWrong })
    assert.throws(() => decode("1mi"), { message: Quantity.ErrSuffix })
    assert.throws(() => decode(""), { message: Quantity.ErrFormatWrong })
  })

  test("rejects other types", () => {
    for (const input of [true, null, undefined, {}, [], 1n, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => decode(input), JSON.stringify(String(input)))
    }
  })
})
