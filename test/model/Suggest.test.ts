import assert from "node:assert/strict"
import { describe, test } from "node:test"
import * as Suggest from "../../model/Suggest.ts"

const POLICIES = ["Allow", "Forbid", "Replace"]
const OPTIONS = ["replicas", "nodePool", "buffers", "bufferTags", "bufferTtl"]

describe("Suggest.nearest", () => {
  const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>, string | undefined]> = [
    ["Forbidd", POLICIES, "Forbid"],
    ["forbid", POLICIES, "Forbid"],
    ["FORBID", POLICIES, "Forbid"],
    ["Replce", POLICIES, "Replace"],
    ["Alow", POLICIES, "Allow"],
    ["Never", POLICIES, undefined],
    ["replica", OPTIONS, "replicas"],
    ["nodepool", OPTIONS, "nodePool"],
    ["node_pool", OPTIONS, "nodePool"],
    ["bufferTTL", OPTIONS, "bufferTtl"],
    ["bufferTag", OPTIONS, "bufferTags"],
    ["timeout", OPTIONS, undefined],
    // Swapping two neighbouring letters is one edit.
    ["nodePoool", OPTIONS, "nodePool"],
    ["ndoePool", OPTIONS, "nodePool"],
    ["raplicsa", OPTIONS, "replicas"],
    // Short words allow one edit, but not a different word of the same length.
    ["cpu", ["gpu", "memory"], "gpu"],
    ["x", ["y"], undefined],
    ["a", ["ab"], "ab"],
    ["", ["a", ""], undefined],
    ["anything", [], undefined],
    // Non-ASCII letters count once.
    ["Zürch", ["Zürich"], "Zürich"]
  ]
  for (const [word, candidates, expected] of cases) {
    test(`${JSON.stringify(word)} among ${candidates.length} → ${expected}`, () => {
      assert.equal(Suggest.nearest(word, candidates), expected)
    })
  }

  test("ties go to the earlier candidate", () => {
    assert.equal(Suggest.nearest("bat", ["cat", "hat", "bad"]), "cat")
    assert.equal(Suggest.nearest("bat", ["bad", "cat", "hat"]), "bad")
  })

  test("the closest candidate wins over an earlier one further away", () => {
    assert.equal(Suggest.nearest("replicaz", ["replicate", "replicas"]), "replicas")
    assert.equal(Suggest.nearest("nodepool", ["nodePools", "nodePool"]), "nodePool")
  })

  test("the default limit is one edit per three letters, at least one", () => {
    assert.equal(Suggest.nearest("abcdef", ["abcxyz"]), undefined)
    assert.equal(Suggest.nearest("abcdef", ["abcdxy"]), "abcdxy")
    assert.equal(Suggest.nearest("abcdefghi", ["abcdefxyz"]), "abcdefxyz")
    assert.equal(Suggest.nearest("abcdefghi", ["abcdewxyz"]), undefined)
    assert.equal(Suggest.nearest("ab", ["ax"]), "ax")
    assert.equal(Suggest.nearest("ab", ["xy"]), undefined)
  })

  test("maxDistance overrides the limit", () => {
    assert.equal(Suggest.nearest("abcdef", ["abcxyz"], { maxDistance: 3 }), "abcxyz")
    assert.equal(Suggest.nearest("Forbidd", POLICIES, { maxDistance: 0 }), undefined)
    assert.equal(Suggest.nearest("forbid", POLICIES, { maxDistance: 0 }), "Forbid")
  })

  test("takes any iterable, read once", () => {
    function* names() {
      yield "alpha"
      yield "beta"
    }
    assert.equal(Suggest.nearest("bta", names()), "beta")
    assert.equal(Suggest.nearest("alpah", new Set(["alpha"])), "alpha")
    assert.equal(Suggest.nearest("key", new Map([["kye", 1]]).keys()), "kye")
  })

  test("a long candidate list stays fast", () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `candidate-number-${i}-${"x".repeat(i % 50)}`)
    const started = Date.now()
    assert.equal(Suggest.nearest("candidate-number-7-xxxxxxx", many), "candidate-number-7-xxxxxxx")
    assert.equal(Suggest.nearest("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", many), undefined)
    assert.ok(Date.now() - started < 5000)
  })
})

describe("Suggest.didYouMean", () => {
  test("appends the suggestion", () => {
    assert.equal(Suggest.didYouMean("replica", OPTIONS), " (did you mean 'replicas'?)")
    assert.equal(Suggest.didYouMean("forbid", POLICIES), " (did you mean 'Forbid'?)")
    assert.equal(`unknown option 'nodepool'${Suggest.didYouMean("nodepool", OPTIONS)}`, "unknown option 'nodepool' (did you mean 'nodePool'?)")
  })

  test("is empty when nothing is close, or the word itself is the nearest", () => {
    assert.equal(Suggest.didYouMean("timeout", OPTIONS), "")
    assert.equal(Suggest.didYouMean("x", []), "")
    assert.equal(Suggest.didYouMean("Forbid", POLICIES), "")
  })
})

describe("Suggest.listOf", () => {
  const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
    [[], "none"],
    [["a"], "'a'"],
    [["a", "b"], "'a' and 'b'"],
    [["a", "b", "c"], "'a', 'b' and 'c'"],
    [POLICIES, "'Allow', 'Forbid' and 'Replace'"],
    [["", "x y"], "'' and 'x y'"]
  ]
  for (const [items, expected] of cases) {
    test(`${JSON.stringify(items)} → ${expected}`, () => assert.equal(Suggest.listOf(items), expected))
  }

  test("does not modify its input", () => {
    const items = Object.freeze(["a", "b", "c"])
    assert.equal(Suggest.listOf(items), "'a', 'b' and 'c'")
    assert.deepEqual(items, ["a", "b", "c"])
  })
})
