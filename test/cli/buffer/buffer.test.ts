import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Effect } from "effect"
import { TRUNCATION_WARNING } from "../../../cli/buffer/list.program.ts"
import { makeId } from "../../../engine/store/BufferRecord.ts"
import { Store } from "../../../engine/store/Store.ts"
import { bufferJson, fails, fatal, RFC3339_NANO, session, type ShownBuffer, succeeds } from "./BufferHarness.ts"

const TAG_KEY_MESSAGE = "InvalidInput: Tag keys must contain up to 128 letters (a-z, A-Z), numbers (0-9) and underscores (_)"
const NOT_FOUND = "NotFound: The resource was not found"

type Run = ReturnType<typeof session>

/** A list that fits one page: `MarshalIndent(items, "  ", "  ")`. */
const listed = (...buffers: ReadonlyArray<ShownBuffer>) =>
  `[\n    ${buffers.map((x) => bufferJson(x, "    ")).join(",\n    ")}\n  ]\n`

/** `buffer create --full-resource`, checked byte for byte against its own fields. */
const createFull = async (run: Run, ...args: ReadonlyArray<string>): Promise<ShownBuffer> => {
  const result = await run("buffer", "create", "--full-resource", ...args)
  assert.equal(result.stderr, "")
  assert.equal(result.code, 0)
  const buffer = JSON.parse(result.stdout) as ShownBuffer
  assert.match(buffer.id, /^[a-z2-7]{26}$/)
  assert.match(buffer.createdAt, RFC3339_NANO)
  assert.equal(result.stdout, `${bufferJson(buffer)}\n`)
  return buffer
}

const show = async (run: Run, id: string, ...args: ReadonlyArray<string>): Promise<ShownBuffer> => {
  const result = await run("buffer", "show", id, ...args)
  assert.equal(result.code, 0, result.stderr)
  return JSON.parse(result.stdout) as ShownBuffer
}

describe("tyger buffer create", () => {
  test("prints the id; --full-resource prints the buffer (tags sorted, expiry from --ttl)", async () => {
    const run = session()
    const created = await run("buffer", "create", "--tag", "b=2", "--tag", "a=1", "extra-arguments-are-ignored")
    assert.match(created.stdout, /^[a-z2-7]{26}\n$/)
    assert.equal(created.stderr, "")
    const id = created.stdout.trim()
    const shown = await run("buffer", "show", id)
    const buffer = JSON.parse(shown.stdout) as ShownBuffer
    assert.deepEqual(Object.keys(buffer.tags ?? {}), ["a", "b"])
    succeeds(shown, `${bufferJson(buffer)}\n`)

    const before = Date.now()
    const expiring = await createFull(run, "--ttl", "1.02:03", "--tag", "x=y", "--location", "LOCAL")
    const expiresIn = Date.parse(expiring.expiresAt!) - before
    assert.ok(Math.abs(expiresIn - (26 * 60 + 3) * 60_000) < 60_000, `${expiresIn}`)
    assert.deepEqual(expiring.tags, { x: "y" })
  })

  test("Tyger's errors; nothing is stored", async () => {
    const run = session()
    fails(await run("buffer", "create", "--tag", "a b=c"), TAG_KEY_MESSAGE)
    fails(
      await run("buffer", "create", "--tag", "a=b/c"),
      "InvalidInput: Tag values can contain up to 256 letters (a-z, A-Z), numbers (0-9) and underscores (_)"
    )
    fails(await run("buffer", "create", "--ttl", "1.24:00"), "invalid hours in TTL format: '1.24:00'")
    fails(await run("buffer", "create", "--ttl", "soon"), "invalid TTL format: 'soon'")
    fails(await run("buffer", "create", "--location", "eastus"), "InvalidInput: Buffer location can only be 'local.")
    fails(await run("buffer", "create", "--tag", "novalue"), "invalid argument \"novalue\" for \"--tag\" flag: novalue must be formatted as key=value")
    succeeds(await run("buffer", "list"), "[]\n")
  })
})

describe("tyger buffer show", () => {
  test("active buffers without --soft-deleted, soft-deleted ones with it; cobra's argument errors", async () => {
    const run = session()
    const buffer = await createFull(run, "--tag", "k=v")
    succeeds(await run("buffer", "show", buffer.id), `${bufferJson(buffer)}\n`)
    succeeds(await run("buffers", "show", buffer.id, "--soft-deleted=false"), `${bufferJson(buffer)}\n`)
    fails(await run("buffer", "show", buffer.id, "--soft-deleted"), NOT_FOUND)
    fails(await run("buffer", "show", "nosuchbuffer"), NOT_FOUND)
    fails(await run("buffer", "show"), "one buffer ID positional argument is required")
    fails(await run("buffer", "show", "a", "b", "c"), "unexpected positional arguments after the buffer ID: [b c]")
    const deleted = await run("buffer", "delete", buffer.id)
    const json = JSON.parse(deleted.stdout) as ShownBuffer
    succeeds(await run("buffer", "show", buffer.id, "--soft-deleted"), `${bufferJson(json)}\n`)
  })

  test("a command is required; unknown subcommands are refused", async () => {
    const run = session()
    fails(await run("buffer"), "a command is required")
    fails(await run("buffers", "frobnicate"), "unknown command \"frobnicate\" for \"tyger buffer\"")
  })
})

describe("tyger buffer list", () => {
  test("newest first, Tyger's list layout, tag filters, --soft-deleted", async () => {
    const run = session()
    succeeds(await run("buffer", "list"), "[]\n")
    const a = await createFull(run, "--tag", "team=x", "--tag", "kind=in")
    const b = await createFull(run, "--tag", "team=x")
    const c = await createFull(run, "--tag", "team=y")
    succeeds(await run("buffer", "list"), listed(c, b, a))
    succeeds(await run("buffer", "list", "--tag", "team=x"), listed(b, a))
    succeeds(await run("buffer", "list", "--tag", "team=x,kind=in"), listed(a))
    succeeds(await run("buffer", "list", "--exclude-tag", "kind=in", "--exclude-tag", "team=y"), listed(b))
    const deleted = JSON.parse((await run("buffer", "delete", c.id)).stdout) as ShownBuffer
    succeeds(await run("buffer", "list", "--soft-deleted"), listed(deleted))
    succeeds(await run("buffer", "list", "--tag", "nokey=v"), "[]\n")
  })

  test("--limit: the streamed layout, 0, and the server's message for negatives", async () => {
    const run = session()
    const a = await createFull(run)
    const b = await createFull(run)
    const item = (x: ShownBuffer) => bufferJson(x, "  ")
    succeeds(await run("buffer", "list", "-l", "1"), `[\n  ${item(b)}\n]\n`)
    // A single page (no nextLink) is printed as one indented array, whatever --limit says.
    succeeds(await run("buffer", "list", "--limit", "2"), listed(b, a))
    succeeds(await run("buffer", "list", "--limit=0"), "[]\n")
    fails(await run("buffer", "list", "-l", "-1"), "InvalidInput: Limit must be a non-negative integer.")
    fails(await run("buffer", "list", "-l", "x"), "invalid argument \"x\" for \"-l, --limit\" flag: strconv.ParseInt: parsing \"x\": invalid syntax")
  })

  test("more than 1000 buffers without --limit: Tyger's 1001 quirk, then 1000 and the truncation warning", async () => {
    const run = session()
    const insert = (n: number) =>
      Effect.runPromise(Effect.gen(function*() {
        const store = yield* Store
        for (let i = 0; i < n; i++) yield* store.createBuffer({ id: makeId(), location: "local", tags: {} })
      }).pipe(Effect.provide(Store.layer({ dataDir: run.dataDir }))))
    await insert(1001)
    // The CLI asks for 1001 and gets them on one page, without a nextLink: all are printed.
    const all = await run("buffer", "list")
    assert.equal(all.stderr, "")
    assert.equal((JSON.parse(all.stdout) as Array<unknown>).length, 1001)
    await insert(1)
    const result = await run("buffer", "list")
    assert.equal(result.code, 0)
    assert.equal(result.stderr, `${TRUNCATION_WARNING}\n`)
    assert.equal((JSON.parse(result.stdout) as Array<unknown>).length, 1000)
    assert.match(result.stdout, /^\[\n {2}\{\n {4}"id"/)
    const limited = await run("buffer", "list", "--limit", "1002")
    assert.equal(limited.stderr, "")
    assert.equal((JSON.parse(limited.stdout) as Array<unknown>).length, 1002)
  })
})

describe("tyger buffer set", () => {
  test("merges tags, --clear-tags replaces them, --ttl sets the expiry", async () => {
    const run = session()
    const buffer = await createFull(run, "--tag", "a=1", "--tag", "b=2")
    const merged = await run("buffer", "set", buffer.id, "--tag", "b=3", "--tag", "c=4")
    const mergedJson = JSON.parse(merged.stdout) as ShownBuffer
    assert.deepEqual(mergedJson.tags, { a: "1", b: "3", c: "4" })
    assert.notEqual(mergedJson.eTag, buffer.eTag)
    succeeds(merged, `${bufferJson(mergedJson)}\n`)
    const cleared = JSON.parse((await run("buffer", "set", buffer.id, "--clear-tags", "--tag", "z=9")).stdout) as ShownBuffer
    assert.deepEqual(cleared.tags, { z: "9" })
    const expiring = JSON.parse((await run("buffer", "set", buffer.id, "--ttl", "1")).stdout) as ShownBuffer
    assert.ok(Math.abs(Date.parse(expiring.expiresAt!) - Date.now() - 86_400_000) < 60_000)
    assert.deepEqual(await show(run, buffer.id), expiring)
  })

  test("--etag: the client-side mismatch message, and the server's 412 with --clear-tags", async () => {
    const run = session()
    const buffer = await createFull(run, "--tag", "a=1")
    fails(await run("buffer", "set", buffer.id, "--etag", "123", "--tag", "a=2"), "the server's ETag does not match the provided ETag")
    fails(await run("buffer", "set", buffer.id, "--etag", "123", "--clear-tags"), "PreconditionFailed: ETag does not match")
    const updated = JSON.parse((await run("buffer", "set", buffer.id, "--etag", buffer.eTag, "--tag", "a=2")).stdout) as ShownBuffer
    assert.deepEqual(updated.tags, { a: "2" })
    fails(await run("buffer", "set", "nosuchbuffer", "--tag", "a=b"), NOT_FOUND)
    fails(await run("buffer", "set", buffer.id, "--soft-deleted", "--tag", "a=b"), NOT_FOUND)
    fails(await run("buffer", "set"), "one buffer ID positional argument is required")
    fails(await run("buffer", "set", buffer.id, "--ttl", "x"), "invalid TTL format: 'x'")
  })
})

describe("tyger buffer delete | restore | purge", () => {
  test("by id: the buffer (one id) or an array (several); Tyger's 412 messages", async () => {
    const run = session()
    const a = await createFull(run)
    const b = await createFull(run)
    const deleted = await run("buffer", "delete", a.id)
    const deletedA = JSON.parse(deleted.stdout) as ShownBuffer
    assert.ok(Math.abs(Date.parse(deletedA.expiresAt!) - Date.now() - 86_400_000) < 60_000)
    succeeds(deleted, `${bufferJson(deletedA)}\n`)
    fails(await run("buffer", "delete", a.id), "PreconditionFailed: Buffer is already soft-deleted")
    fails(await run("buffer", "restore", b.id), "PreconditionFailed: Buffer is not soft-deleted")
    fails(await run("buffer", "purge", b.id), "PreconditionFailed: Buffer is not soft-deleted")
    fails(await run("buffer", "delete", "nosuchbuffer"), NOT_FOUND)
    const both = await run("buffer", "delete", b.id, "--force", "--exclude-tag", "ignored=yes")
    const deletedB = JSON.parse(both.stdout) as ShownBuffer
    const restored = await run("buffer", "restore", a.id, b.id)
    const [restoredA, restoredB] = JSON.parse(restored.stdout) as [ShownBuffer, ShownBuffer]
    assert.equal(restoredA.expiresAt, undefined)
    const array = `[\n  ${bufferJson(restoredA, "  ")},\n  ${bufferJson(restoredB, "  ")}\n]\n`
    succeeds(restored, array)
    assert.equal(deletedB.id, b.id)
    await run("buffer", "delete", a.id, b.id)
    const purged = await run("buffer", "purge", a.id)
    const purgedA = JSON.parse(purged.stdout) as ShownBuffer
    assert.ok(Date.parse(purgedA.expiresAt!) <= Date.now())
    fails(await run("buffer", "show", a.id, "--soft-deleted"), NOT_FOUND)
    fails(await run("buffer", "restore", a.id), NOT_FOUND)
  })

  test("exactly one of ids, --tag and --all, else Tyger's fatal log line", async () => {
    const run = session()
    fatal(await run("buffer", "delete"), "One of ID, --tag, or --all must be specified")
    fatal(await run("buffer", "restore", "--exclude-tag", "a=b"), "One of ID, --tag, or --all must be specified")
    fatal(await run("buffer", "purge", "someid", "--all"), "One of ID, --tag, or --all must be specified")
    fatal(await run("buffer", "delete", "--tag", "a=b", "--all"), "One of ID, --tag, or --all must be specified")
  })

  test("by filter with --force: Deleted / Restored / Purged N buffers.", async () => {
    const run = session()
    await createFull(run, "--tag", "batch=1")
    await createFull(run, "--tag", "batch=1", "--tag", "keep=yes")
    await createFull(run, "--tag", "batch=2")
    succeeds(await run("buffer", "delete", "--tag", "batch=1", "--exclude-tag", "keep=yes", "--force"), "Deleted 1 buffers.\n")
    succeeds(await run("buffer", "delete", "--all", "--force"), "Deleted 2 buffers.\n")
    succeeds(await run("buffer", "restore", "--tag", "batch=2", "--force"), "Restored 1 buffers.\n")
    succeeds(await run("buffer", "purge", "--all", "--force"), "Purged 2 buffers.\n")
    succeeds(await run("buffer", "list", "--soft-deleted"), "[]\n")
    assert.equal((JSON.parse((await run("buffer", "list")).stdout) as Array<ShownBuffer>).length, 1)
    succeeds(await run("buffer", "purge", "--all", "--force"), "Purged 0 buffers.\n")
  })

  test("by filter without --force: No buffers found., the prompt on a terminal, an error without one", async () => {
    const run = session()
    succeeds(await run("buffer", "delete", "--all"), "No buffers found.\n")
    await createFull(run, "--tag", "t=1")
    await createFull(run, "--tag", "t=1")
    succeeds(await run("buffer", "restore", "--all"), "No buffers found.\n")
    fails(
      await run("buffer", "delete", "--tag", "t=1"),
      "cannot ask \"Are you sure you want to delete 2 buffers?\": the standard input is not a terminal; use --force to go ahead without asking"
    )
    const declined = await run.with({ stdin: "n\n", stdinTerminal: true }, "buffer", "delete", "--tag", "t=1")
    assert.deepEqual(declined, { ...declined, code: 0, stdout: "", stderr: "Are you sure you want to delete 2 buffers? [y/N] " })
    const enter = await run.with({ stdin: "\n", stdinTerminal: true }, "buffer", "delete", "--all")
    assert.equal(enter.stdout, "")
    const confirmed = await run.with({ stdin: "y\n", stdinTerminal: true }, "buffer", "delete", "--tag", "t=1")
    assert.equal(confirmed.stderr, "Are you sure you want to delete 2 buffers? [y/N] ")
    assert.equal(confirmed.stdout, "Deleted 2 buffers.\n")
    const purged = await run.with({ stdin: "yes\n", stdinTerminal: true }, "buffer", "purge", "--all")
    assert.equal(purged.stdout, "Purged 2 buffers.\n")
    assert.equal(purged.code, 0)
  })
})
