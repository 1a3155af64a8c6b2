// The 13 mistakes of issue 13 at `tyger plan` (test/cli/fixtures/mistakes.ts writes each so that it gets past the
// types, as plain JavaScript would): each reported once, at the line of the builder call it is about, with a message
// that says what would be right. Node, Bun and Deno read the same line and column from their stacks.
import assert from "node:assert/strict"
import * as Path from "node:path"
import process from "node:process"
import { describe, test } from "node:test"
import { fileURLToPath } from "node:url"
import { tempDir } from "../../support/Run.ts"
import { tyger } from "../Harness.ts"

const file = fileURLToPath(new URL("../fixtures/mistakes.ts", (import.meta as { readonly url: string }).url))

describe("tyger plan of a workflow with the 13 mistakes", () => {
  test("every problem once, at file:line:column, naming the fix", async () => {
    const result = await tyger({ dataDir: Path.join(tempDir("tyger-mistakes-"), "data") }, "plan", file)
    assert.equal(result.code, 1)
    assert.equal(result.stdout, "")
    const at = Path.relative(process.cwd(), file)
    // `<line>:<column> <what> → <path>: <message>`, after `Error: <file>:`.
    const expected = [
      "23:29 codespec m11 \u2192 resources.limits.cpu: '2 cores' is not a quantity: use 2 (cores) or 2000m (millicores)",
      "23:29 codespec m11 \u2192 resources.limits.memory: '1Gb' is not a quantity: use 1Gi (GiB, 2^30 bytes) or 1G (10^9 bytes)",
      "24:29 codespec m12 \u2192 env.A: environment values are strings: write \"1\"",
      "24:29 codespec m12 \u2192 env.B: environment values are strings: write \"true\"",
      "25:29 codespec Bad Name \u2192 resources.requests.memory: '1Gb' is not a quantity: use 1Gi (GiB, 2^30 bytes) or 1G (10^9 bytes)",
      "25:29 codespec Bad Name \u2192 name: codespec names must contain only lower case letters (a-z), numbers (0-9), dashes (-), underscores (_), and dots (.)",
      "15:28 codespec m3 \u2192 buffers: worker codespecs cannot have use buffers",
      "20:28 codespec m8 \u2192 image: The image field is required.",
      "28:32 codespec shared \u2192 image: The image field is required.",
      "13:23 run m1 \u2192 job.buffers.numbrs: Buffer argument 'numbrs' does not correspond to a buffer parameter on the codespec; its parameters are 'numbers' and 'sum' (did you mean 'numbers'?)",
      "22:24 run m10 \u2192 schedule.cron: '@daily 3am' is not a cron expression: use five fields (minute hour day-of-month month day-of-week), e.g. '0 3 * * *' for 3am every day, or a shorthand alone (@daily)",
      "22:24 run m10 \u2192 schedule.timeZone: unknown time zone 'Paris'; did you mean 'Europe/Paris'?",
      "26:27 run Bad Run: run names must consist of lower case alphanumeric characters or '-', start and end with an alphanumeric character, and be at most 52 characters",
      "14:23 run m2 \u2192 job.buffers.numbers: run 'produced' has no output parameter 'sum'; its outputs are 'numbers'",
      "16:23 run m4 \u2192 worker.buffers: unknown option 'buffers'; workers take no buffers; a worker takes 'codespec', 'nodePool' and 'replicas'",
      "17:23 run m5 \u2192 job.env.A: the worker codespec has no endpoint 'missing'; its endpoints are 'grpc'",
      "18:23 run m6 \u2192 job.env.A: the endpoint 'admin' belongs to codespec 'twin-worker', not to this run's worker codespec 'grpc-worker'; use the worker's own endpoints ('grpc')",
      "19:23 run m7 \u2192 job.env.A: the endpoint 'grpc' belongs to codespec 'twin-worker', not to this run's worker codespec 'grpc-worker'; use the worker's own endpoints ('grpc')",
      "21:23 run m9 \u2192 schedule.cron: the hour field is 25, but hours run from 0 to 23",
      "30:26 run user2 \u2192 timeout: unknown option 'timeout'; a run takes 'name', 'timeoutSeconds', 'tags', 'cluster', 'bufferAccessTtl', 'schedule', 'buffers', 'bufferTags', 'bufferTtl', 'nodePool' and 'replicas' (did you mean 'timeoutSeconds'?)"
    ]
    assert.deepEqual(result.stderr.split("\n").filter((l) => l !== ""), expected.map((line) => `Error: ${at}:${line}`))
  })

  test("each mistake's export is named by exactly the problems it causes", async () => {
    const result = await tyger({ dataDir: Path.join(tempDir("tyger-mistakes-"), "data") }, "plan", file)
    const count = (what: string) => result.stderr.split("\n").filter((l) => l.includes(` ${what} → `) || l.includes(` ${what}: `)).length
    // One problem per mistake; m11 and m12 have two wrong values each, m13's codespec a bad name and a bad quantity.
    const perMistake: ReadonlyArray<readonly [string, number]> = [
      ["run m1", 1], ["run m2", 1], ["codespec m3", 1], ["run m4", 1], ["run m5", 1], ["run m6", 1], ["run m7", 1],
      ["codespec m8", 1], ["run m9", 1], ["run m10", 2], ["codespec m11", 2], ["codespec m12", 2],
      ["codespec Bad Name", 2], ["run Bad Run", 1], ["codespec shared", 1], ["run user2", 1]
    ]
    for (const [what, n] of perMistake) assert.equal(count(what), n, what)
    assert.equal(result.stderr.split("\n").filter((l) => l !== "").length, perMistake.reduce((sum, [, n]) => sum + n, 0))
  })
})
