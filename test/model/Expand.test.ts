// `$(VAR)` expansion with Kubernetes' (= Tyger's documented) semantics; Tyger's Docker-mode `$$(X)` → `$)` bug is
// deliberately not reproduced.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import * as Expand from "../../model/Expand.ts"

const vars: { readonly [name: string]: string } = {
  A: "alpha",
  INPUT_PIPE: "/etc/buffer-fifos/input",
  NOISECOVARIANCE_PIPE: "/etc/buffer-fifos/noisecovariance",
  EMPTY: "",
  REF: "$(A)"
}
const lookup = (name: string): string | undefined => (Object.hasOwn(vars, name) ? vars[name] : undefined)

describe("Expand.expand", () => {
  const table: ReadonlyArray<readonly [input: string, expected: string, why: string]> = [
    ["", "", "empty input"],
    ["plain text", "plain text", "no operator"],
    ["$(A)", "alpha", "known reference"],
    ["$(B)", "$(B)", "unknown reference is left unchanged"],
    ["$(EMPTY)", "", "known reference with an empty value"],
    ["[$(EMPTY)]", "[]", "empty value inside text"],
    ["$$(A)", "$(A)", "$$ escapes a reference"],
    ["$$(B)", "$(B)", "escape of an unknown reference"],
    ["$$", "$", "$$ is a literal $"],
    ["$$$$", "$$", "two escapes"],
    ["$$$(A)", "$alpha", "escape then reference"],
    ["$$$$(A)", "$$(A)", "two escapes then literal text"],
    ["a$b", "a$b", "$ followed by a plain character"],
    ["$A", "$A", "shell-style variable without parentheses"],
    ["cost: 5$", "cost: 5$", "trailing $"],
    ["$", "$", "a lone $"],
    ["$(A", "$(A", "unclosed $( is literal"],
    ["x $( y", "x $( y", "unclosed $( inside text"],
    ["$($(A)", "$($(A)", "the name runs to the first ')' so '$(A' is the (unknown) name"],
    ["$(A$(A))", "$(A$(A))", "nested: the name 'A$(A' is unknown, the trailing ')' is text"],
    ["$()", "$()", "empty name is an unknown reference"],
    ["$(REF)", "$(A)", "one pass: an expanded value is not expanded again"],
    ["$(A)$(A)", "alphaalpha", "adjacent references"],
    ["$(A)-$(B)-$(A)", "alpha-$(B)-alpha", "known and unknown mixed"],
    ["noisecovarianceout=$(NOISECOVARIANCE_PIPE)", "noisecovarianceout=/etc/buffer-fifos/noisecovariance",
      "reference inside a larger string"],
    ['inp=$(cat "$INPUT_PIPE")', 'inp=$(cat "$INPUT_PIPE")', "shell command substitution is untouched"],
    ['echo "Hello ${inp}" > "$OUTPUT_PIPE"', 'echo "Hello ${inp}" > "$OUTPUT_PIPE"', "shell ${} and $VAR are untouched"],
    ["$(INPUT_PIPE)", "/etc/buffer-fifos/input", "pipe variable"],
    ["$(input_pipe)", "$(input_pipe)", "names are case-sensitive"],
    ["héllo $(A) wörld", "héllo alpha wörld", "non-ASCII text around a reference"]
  ]
  for (const [input, expected, why] of table) {
    test(`${JSON.stringify(input)} → ${JSON.stringify(expected)} (${why})`, () => {
      assert.equal(Expand.expand(input, lookup), expected)
    })
  }

  test("the lookup is consulted only for complete references", () => {
    const asked: Array<string> = []
    Expand.expand("$$(X) $(Y) $(Z $Q a$b $", (name) => {
      asked.push(name)
      return undefined
    })
    assert.deepEqual(asked, ["Y"])
  })
})

describe("Expand.expandEnvironment", () => {
  test("a value sees only the variables defined before it", () => {
    const out = Expand.expandEnvironment([
      ["B", "b=$(A)"],
      ["A", "a"],
      ["C", "c=$(A),$(B)"]
    ])
    assert.deepEqual(out, [["B", "b=$(A)"], ["A", "a"], ["C", "c=a,b=$(A)"]])
  })

  test("a variable cannot see itself", () => {
    assert.deepEqual(Expand.expandEnvironment([["A", "x$(A)"]]), [["A", "x$(A)"]])
  })

  test("a later duplicate overrides the earlier value; values in between saw the earlier one", () => {
    const out = Expand.expandEnvironment([
      ["A", "1"],
      ["B", "$(A)"],
      ["A", "2"],
      ["C", "$(A)"]
    ])
    assert.deepEqual(out, [["A", "2"], ["B", "1"], ["C", "2"]])
  })

  test("a duplicate sees the value it replaces", () => {
    assert.deepEqual(Expand.expandEnvironment([["PATH", "/bin"], ["PATH", "/opt/bin:$(PATH)"]]), [["PATH", "/opt/bin:/bin"]])
  })

  test("ambient variables (what the container already has) are visible, own definitions win", () => {
    const ambient = (name: string) => (name === "TYGER_RUN_ID" ? "42" : name === "A" ? "ambient" : undefined)
    const out = Expand.expandEnvironment([["ID", "run-$(TYGER_RUN_ID)"], ["X", "$(A)"], ["A", "own"], ["Y", "$(A)"]], ambient)
    assert.deepEqual(out, [["ID", "run-42"], ["X", "ambient"], ["A", "own"], ["Y", "own"]])
  })

  test("escapes are resolved once and never re-expanded by later values", () => {
    const out = Expand.expandEnvironment([["A", "a"], ["LIT", "$$(A)"], ["USE", "$(LIT)"]])
    assert.deepEqual(out, [["A", "a"], ["LIT", "$(A)"], ["USE", "$(A)"]])
  })

  test("empty environment", () => {
    assert.deepEqual(Expand.expandEnvironment([]), [])
  })
})

describe("Expand.expandAll", () => {
  test("command/args are expanded against the complete environment, in order", () => {
    const env: ReadonlyArray<Expand.EnvEntry> = [["INPUT_PIPE", "/in"], ["OUTPUT_PIPE", "/out"]]
    assert.deepEqual(
      Expand.expandAll(["-i", "$(INPUT_PIPE)", "-vf", "negate", "-y", "$(OUTPUT_PIPE)", "$$(OUTPUT_PIPE)", "$(NOPE)"], env),
      ["-i", "/in", "-vf", "negate", "-y", "/out", "$(OUTPUT_PIPE)", "$(NOPE)"]
    )
  })

  test("a duplicate in the environment: the last value wins", () => {
    assert.deepEqual(Expand.expandAll(["$(A)"], [["A", "1"], ["A", "2"]]), ["2"])
  })

  test("shell scripts pass through unchanged", () => {
    const script = 'set -euo pipefail\ninp=$(cat "$INPUT_PIPE")\necho "Hello ${inp}" > "$OUTPUT_PIPE"\n'
    assert.deepEqual(Expand.expandAll(["bash", "-c", script], [["INPUT_PIPE", "/in"]]), ["bash", "-c", script])
  })

  test("no values", () => {
    assert.deepEqual(Expand.expandAll([], [["A", "1"]]), [])
  })
})
