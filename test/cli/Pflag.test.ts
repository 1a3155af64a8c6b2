import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Result } from "effect"
import * as Argv from "../../cli/Argv.ts"
import * as Pflag from "../../cli/Pflag.ts"

const value = <A>(parsed: Pflag.Parsed<A>): A => {
  if (Result.isFailure(parsed)) assert.fail(parsed.failure)
  return parsed.success
}
const error = <A>(parsed: Pflag.Parsed<A>): string => {
  if (Result.isSuccess(parsed)) assert.fail(`expected an error, got ${JSON.stringify(parsed.success)}`)
  return parsed.failure
}

describe("pflag values", () => {
  test("strconv.ParseInt(s, 0, 64): Go literals, underscores, range", () => {
    assert.deepEqual(["10", "-7", "+3", "0x1F", "0o17", "017", "0b101", "1_000", "0x_ff"].map((s) => value(Pflag.parseInt64(s))),
      [10, -7, 3, 31, 15, 15, 5, 1000, 255])
    for (const bad of ["", "-", "1.5", "_1", "1_", "1__0", "08", "0x", "abc"]) {
      assert.equal(error(Pflag.parseInt64(bad)), `strconv.ParseInt: parsing ${JSON.stringify(bad)}: invalid syntax`)
    }
    assert.equal(error(Pflag.parseInt64("9223372036854775808")),
      "strconv.ParseInt: parsing \"9223372036854775808\": value out of range")
  })

  test("string slices are CSV records", () => {
    assert.deepEqual(value(Pflag.stringSlice("-i, --input", ["a,b", "c", ""])), ["a", "b", "c"])
    assert.deepEqual(value(Pflag.stringSlice("-i, --input", ["\"x,y\",z", "\"q\"\"uote\""])), ["x,y", "z", "q\"uote"])
    assert.equal(error(Pflag.stringSlice("-i, --input", ["a\"b"])),
      "invalid argument \"a\\\"b\" for \"-i, --input\" flag: parse error on line 1, column 2: bare \" in non-quoted-field")
  })

  test("StringToString splits on commas only when there are several pairs", () => {
    assert.deepEqual(value(Pflag.stringToString("-e, --env", ["A=1,2", "B=x=y,C=3", "\"D=4\""])), { A: "1,2", B: "x=y", C: "3", D: "4" })
    assert.deepEqual(value(Pflag.stringToString("-e, --env", ["A=1", "A=2"])), { A: "2" })
    assert.deepEqual(value(Pflag.stringToString("-e, --env", ["A=1,B"])), { A: "1,B" })
    assert.equal(error(Pflag.stringToString("-e, --env", ["A=1,B=2,C"])),
      "invalid argument \"A=1,B=2,C\" for \"-e, --env\" flag: C must be formatted as key=value")
  })

  test("enum values: case-insensitive, sorted ids in the error", () => {
    assert.equal(value(Pflag.enumValue("--log-format", "JSON", ["", "pretty", "plain", "json"])), "json")
    assert.equal(error(Pflag.enumValue("--log-format", "xml", ["", "pretty", "plain", "json"])),
      "invalid argument \"xml\" for \"--log-format\" flag: must be '', 'json', 'plain', 'pretty'")
  })
})

describe("argv (pflag grammar over clipanion)", () => {
  const options: ReadonlyArray<Argv.OptionSpec> = [
    { names: ["-i", "--input"], arity: 1 },
    { names: ["--command"], arity: 0 },
    { names: ["-k", "--kind"], arity: 1 }
  ]
  const scan = (...input: ReadonlyArray<string>) => Argv.scan(input, options, ["codespec", "create"])

  test("values may start with a dash; shorthands take attached values", () => {
    assert.deepEqual(scan("codespec", "create", "x", "--input", "-foo", "-ibar", "-k=worker", "--command=false", "--", "-i").argv,
      ["codespec", "create", "x", "--input=-foo", "-i=bar", "-k=worker", "--", "-i"])
    assert.deepEqual(scan("codespec", "create", "x", "--", "a", "--", "b").positionals, ["x", "a", "--", "b"])
  })

  test("cobra's messages for unknown flags and missing values", () => {
    assert.equal(scan("codespec", "create", "--nope").error, "unknown flag: --nope")
    assert.equal(scan("codespec", "create", "-iz", "-z").error, "unknown shorthand flag: 'z' in -z")
    assert.equal(scan("codespec", "create", "-i").error, "flag needs an argument: 'i' in -i")
    assert.equal(scan("codespec", "create", "--kind").error, "flag needs an argument: --kind")
  })

  test("the longest matching path wins; a positional before the path does not match", () => {
    const specs: ReadonlyArray<Argv.CommandSpec> = [
      { paths: [["codespec"]], options },
      { paths: [["codespec", "create"]], options }
    ]
    assert.deepEqual(Argv.select(["codespec", "create", "x"], specs)?.path, ["codespec", "create"])
    assert.deepEqual(Argv.select(["--kind", "codespec", "codespec", "list"], specs)?.path, ["codespec"])
    assert.equal(Argv.select(["x", "codespec"], specs), undefined)
  })
})
