// `tyger buffer …` with TYGER_TS_BUFFER_STORAGE=azure, against Azurite (skipped where it cannot start).
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { BlobServiceClient } from "@azure/storage-blob"
import { azuriteOrSkip } from "../../support/Azurite.ts"
import { fails, fatal, session, succeeds } from "./BufferHarness.ts"

const azurite = await azuriteOrSkip()
const skip = "skip" in azurite ? azurite.skip : false
const connectionString = "skip" in azurite ? "" : azurite.connectionString
const azure = { TYGER_TS_BUFFER_STORAGE: "azure", AZURE_STORAGE_CONNECTION_STRING: connectionString }

const containerExists = (id: string) =>
  BlobServiceClient.fromConnectionString(connectionString).getContainerClient(id).exists()

describe("tyger buffer on Azure Blob Storage", () => {
  test("create, write, read (by id and by SAS URL), purge: one container per buffer", { skip }, async () => {
    const run = session({ ...azure, TYGER_TS_BUFFER_LOCATION: "westeurope" })
    const created = await run("buffer", "create", "--full-resource", "--location", "WestEurope")
    assert.equal(created.code, 0, created.stderr)
    const buffer = JSON.parse(created.stdout) as { readonly id: string; readonly location: string }
    assert.equal(buffer.location, "westeurope")
    assert.equal(await containerExists(buffer.id), true)
    succeeds(await run.with({ stdin: "Hello\n" }, "buffer", "write", buffer.id), "")
    succeeds(await run("buffer", "read", buffer.id), "Hello\n")
    const url = (await run("buffer", "access", buffer.id)).stdout.trim()
    assert.match(url, new RegExp(`^http://127\\.0\\.0\\.1:\\d+/devstoreaccount1/${buffer.id}\\?.*sp=r`))
    succeeds(await run("buffer", "read", url), "Hello\n")
    fatal(await run.with({ stdin: "x" }, "buffer", "write", url), "Failed to write buffer error=\"buffer cannot be overwritten\"")
    const fresh = (await run("buffer", "create")).stdout.trim()
    const readOnly = (await run("buffer", "access", fresh)).stdout.trim()
    fatal(
      await run.with({ stdin: "x" }, "buffer", "write", readOnly),
      "Failed to write buffer error=\"the access url does not allow write access\""
    )
    fails(await run("buffer", "create", "--location", "eastus"), "InvalidInput: No storage accounts configured for location 'eastus'")
    await run("buffer", "delete", buffer.id)
    await run("buffer", "purge", buffer.id)
    succeeds(await run("buffer", "list", "--soft-deleted"), "[]\n")
    assert.equal(await containerExists(buffer.id), false)
  })
})

describe("buffer storage configuration", () => {
  test("bad settings fail buffer commands only", async () => {
    const bad = session({ TYGER_TS_BUFFER_STORAGE: "s3" })
    fails(await bad("buffer", "list"), "TYGER_TS_BUFFER_STORAGE must be 'local' or 'azure', not 's3'")
    succeeds(await bad("codespec", "list"), "[]\n")
    const missing = session({ TYGER_TS_BUFFER_STORAGE: "azure" })
    fails(await missing("buffer", "create"), "TYGER_TS_BUFFER_STORAGE=azure needs AZURE_STORAGE_CONNECTION_STRING")
  })
})
