// The Azure Blob Storage backend against a real Azurite (started here, in memory, on a free port).
import assert from "node:assert/strict"
import { Buffer } from "node:buffer"
import { createHash } from "node:crypto"
import { describe, test } from "node:test"
import { BlobServiceClient } from "@azure/storage-blob"
import { Effect, Layer } from "effect"
import * as AzureBlobStore from "../../../engine/buffers/AzureBlobStore.ts"
import { BlobStore } from "../../../engine/buffers/BlobStore.ts"
import type { BlobStoreError, Container } from "../../../engine/buffers/BlobStore.ts"
import { azuriteOrSkip, devAccountKey, devAccountName } from "../../support/Azurite.ts"
import { suite } from "./BlobStoreConformance.ts"
import { bytes, newId } from "./Helpers.ts"

const azurite = await azuriteOrSkip()
const skip = "skip" in azurite ? azurite.skip : false
const connectionString = "skip" in azurite ? "" : azurite.connectionString

const layer = AzureBlobStore.layer({ connectionString, location: "local" })
const store = "skip" in azurite
  ? undefined
  : await Effect.runPromise(Effect.gen(function*() {
    return yield* BlobStore
  }).pipe(Effect.provide(layer)))

if (skip === false) {
  suite("Azure Blob Storage (Azurite)", () => Layer.orDie(layer), {
    // Replaces the body with a same-sized different one, then restores the old Content-MD5 property (Set Blob
    // Properties does not check it against the body) and the metadata: only the reader's MD5 check can notice.
    corruptBlob: async (containerId, path) => {
      const blob = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(containerId)
        .getBlockBlobClient(path)
      const stored = await blob.downloadToBuffer()
      const properties = await blob.getProperties()
      const last = stored.length - 1
      stored[last] = (stored[last] ?? 0) ^ 0xff
      await blob.upload(stored, stored.length, { metadata: properties.metadata ?? {} })
      await blob.setHTTPHeaders({ blobContentMD5: properties.contentMD5! })
    }
  })
} else {
  test("buffer data plane conformance suite on Azure Blob Storage (Azurite)", { skip }, () => {})
}

/** Tests that need Azurite: skipped (visibly, with the reason) when it could not start. */
const azureTest = (name: string, body: (store: BlobStore["Service"]) => Promise<void>) =>
  test(name, { skip }, () => body(store!))

const run = <A>(effect: Effect.Effect<A, BlobStoreError>): Promise<A> => Effect.runPromise(effect)
const failure = <A>(effect: Effect.Effect<A, BlobStoreError>): Promise<BlobStoreError> =>
  Effect.runPromise(Effect.flip(effect))

const md5 = (body: Uint8Array): string => createHash("md5").update(body).digest("base64")

const newContainer = async (s: BlobStore["Service"], access: "read" | "write" = "write"): Promise<Container> => {
  const id = newId()
  await run(s.createContainer(id))
  return run(s.container(id, access))
}

const put = (container: Container, path: string, body: Uint8Array, metadata?: Record<string, string>) =>
  container.putBlob(path, body, { contentMd5: md5(body), ...(metadata === undefined ? {} : { metadata }) })

describe("AzureBlobStore: blobs", () => {
  azureTest("reports the configured location", async (s) => {
    assert.equal(s.location, "local")
  })

  azureTest("put, get and head round-trip body, Content-MD5 and metadata", async (s) => {
    const container = await newContainer(s)
    assert.equal(container.write, true)
    const body = bytes("Hello\n")
    await run(put(container, "00/000", body, { cumulative_hash_chain: "2mCt+MKkf0AT8hYI3Edjmv5oYPpnNq7Lv4ZeFVlIN7c=" }))
    const blob = await run(container.getBlob("00/000"))
    assert.deepEqual(blob.body, body)
    assert.equal(blob.contentMd5, "CffgLxKQviEdpweiZvFTsw==")
    assert.equal(blob.size, 6)
    assert.deepEqual(blob.metadata, { cumulative_hash_chain: "2mCt+MKkf0AT8hYI3Edjmv5oYPpnNq7Lv4ZeFVlIN7c=" })
    const head = await run(container.headBlob("00/000"))
    assert.deepEqual(head, { contentMd5: blob.contentMd5, metadata: blob.metadata, size: 6 })
  })

  azureTest("an empty blob (Tyger's end-of-data marker) and a dotted name round-trip", async (s) => {
    const container = await newContainer(s)
    await run(put(container, "00/001", new Uint8Array(0)))
    await run(put(container, ".bufferstart", bytes(`{"version":"0.3.0"}`)))
    const empty = await run(container.getBlob("00/001"))
    assert.equal(empty.size, 0)
    assert.equal(empty.body.byteLength, 0)
    assert.equal(empty.contentMd5, "1B2M2Y8AsgTpgAmY7PhCfg==")
    assert.deepEqual(empty.metadata, {})
    assert.equal((await run(container.getBlob(".bufferstart"))).contentMd5, "jRl6v+tdX5RbfseHVtVXDw==")
  })

  azureTest("a 4 MiB block round-trips intact", async (s) => {
    const container = await newContainer(s)
    const body = new Uint8Array(4 * 1024 * 1024).map((_, i) => (i * 31 + (i >> 12)) & 0xff)
    await run(put(container, "00/000", body))
    const blob = await run(container.getBlob("00/000"))
    assert.equal(blob.size, body.byteLength)
    assert.equal(md5(blob.body), md5(body))
    assert.equal(blob.contentMd5, md5(body))
  })

  azureTest("a second put of the same blob fails with BlobExists and keeps the first body", async (s) => {
    const container = await newContainer(s)
    await run(put(container, "00/000", bytes("first")))
    const error = await failure(put(container, "00/000", bytes("second")))
    assert.equal(error.reason, "BlobExists")
    assert.deepEqual((await run(container.getBlob("00/000"))).body, bytes("first"))
  })

  azureTest("of two concurrent puts exactly one wins", async (s) => {
    const container = await newContainer(s)
    for (let round = 0; round < 5; round++) {
      const path = `00/00${round}`
      const bodies = [bytes(`writer a ${round}`), bytes(`writer b ${round}`)]
      const outcomes = await Promise.all(bodies.map((body) => run(Effect.result(put(container, path, body)))))
      const winners = outcomes.flatMap((outcome, i) => outcome._tag === "Success" ? [i] : [])
      assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(outcomes)}`)
      const loser = outcomes.find((outcome) => outcome._tag === "Failure")
      assert.equal(loser?._tag === "Failure" ? loser.failure.reason : undefined, "BlobExists")
      assert.deepEqual((await run(container.getBlob(path))).body, bodies[winners[0]!])
    }
  })

  azureTest("a body that does not match its Content-MD5 fails with Md5Mismatch", async (s) => {
    const container = await newContainer(s)
    const error = await failure(container.putBlob("00/000", bytes("data"), { contentMd5: md5(bytes("other")) }))
    assert.equal(error.reason, "Md5Mismatch")
    assert.equal((await failure(container.headBlob("00/000"))).reason, "BlobNotFound")
  })

  azureTest("a missing container and a missing blob are told apart", async (s) => {
    const missing = await run(s.container(newId(), "write"))
    assert.equal((await failure(missing.getBlob("00/000"))).reason, "ContainerNotFound")
    assert.equal((await failure(missing.headBlob("00/000"))).reason, "ContainerNotFound")
    assert.equal((await failure(put(missing, "00/000", bytes("x")))).reason, "ContainerNotFound")
    const container = await newContainer(s)
    assert.equal((await failure(container.getBlob("00/000"))).reason, "BlobNotFound")
    assert.equal((await failure(container.headBlob(".bufferend"))).reason, "BlobNotFound")
  })

  azureTest("createContainer is idempotent; deleteContainer removes the blobs, then finds none", async (s) => {
    const id = newId()
    await run(s.createContainer(id))
    await run(s.createContainer(id))
    const container = await run(s.container(id, "write"))
    await run(put(container, "00/000", bytes("x")))
    await run(s.deleteContainer(id))
    assert.equal((await failure(container.getBlob("00/000"))).reason, "ContainerNotFound")
    assert.equal((await failure(s.deleteContainer(id))).reason, "ContainerNotFound")
  })

  azureTest("a malformed container id is ContainerNotFound, as in the local store", async (s) => {
    for (const id of ["Upper", "a_b", "ab", "a--b", "x".repeat(64)]) {
      assert.equal((await failure(s.container(id, "read"))).reason, "ContainerNotFound", id)
      assert.equal((await failure(s.createContainer(id))).reason, "ContainerNotFound", id)
      assert.equal((await failure(s.accessUrl(id, "read", 60))).reason, "ContainerNotFound", id)
    }
  })

  azureTest("a container opened for reading refuses puts", async (s) => {
    const container = await newContainer(s, "read")
    assert.equal(container.write, false)
    assert.equal((await failure(put(container, "00/000", bytes("x")))).reason, "PermissionDenied")
  })

  azureTest("an unreachable endpoint fails with Unavailable", async () => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const closed = `DefaultEndpointsProtocol=http;AccountName=${devAccountName};AccountKey=${devAccountKey};` +
      `BlobEndpoint=http://127.0.0.1:1/${devAccountName};`
    const error = await Effect.runPromise(Effect.flip(Effect.gen(function*() {
      const s = yield* BlobStore
      const container = yield* s.container(newId(), "read")
      return yield* container.getBlob("00/000")
    }).pipe(Effect.provide(AzureBlobStore.layer({
      connectionString: closed,
      location: "local",
      pipeline: { retryOptions: { maxTries: 1 } }
    })))))
    assert.equal(error.reason, "Unavailable")
  })
})

describe("AzureBlobStore: access URLs", () => {
  azureTest("read and write URLs are container SAS URLs with r and rc permissions", async (s) => {
    const container = await newContainer(s)
    const before = Math.floor(Date.now() / 1000) * 1000
    const read = new URL(await run(s.accessUrl(container.id, "read", 3600)))
    const write = new URL(await run(s.accessUrl(container.id, "write", 60)))
    assert.equal(read.pathname, `/devstoreaccount1/${container.id}`)
    assert.equal(read.searchParams.get("sr"), "c")
    assert.equal(read.searchParams.get("sp"), "r")
    assert.equal(write.searchParams.get("sp"), "rc")
    // Azurite is plain http, so the SAS cannot be https-only as Tyger's are.
    assert.equal(read.searchParams.get("spr"), "https,http")
    const start = Date.parse(read.searchParams.get("st")!)
    assert.ok(start >= before && start <= Date.now(), `st ${read.searchParams.get("st")}`)
    assert.equal(Date.parse(read.searchParams.get("se")!) - start, 3600_000)
    assert.ok(read.searchParams.get("sig"))
  })

  azureTest("a read URL reads but cannot put (PermissionDenied from the service)", async (s) => {
    const direct = await newContainer(s)
    await run(put(direct, "00/000", bytes("data"), { cumulative_hash_chain: "c" }))
    for (const open of [s.fromUrl, AzureBlobStore.containerFromUrl]) {
      const container = await run(open(await run(s.accessUrl(direct.id, "read", 60))))
      assert.equal(container.id, direct.id)
      assert.equal(container.write, false)
      const blob = await run(container.getBlob("00/000"))
      assert.deepEqual(blob.body, bytes("data"))
      assert.deepEqual(blob.metadata, { cumulative_hash_chain: "c" })
      assert.equal((await run(container.headBlob("00/000"))).contentMd5, md5(bytes("data")))
      assert.equal((await failure(put(container, "00/001", bytes("x")))).reason, "PermissionDenied")
    }
  })

  azureTest("a write URL creates each blob once: a second put is BlobExists, of racing puts one wins", async (s) => {
    const direct = await newContainer(s)
    for (const open of [s.fromUrl, AzureBlobStore.containerFromUrl]) {
      const container = await run(open(await run(s.accessUrl(direct.id, "write", 60))))
      assert.equal(container.write, true)
      const path = `${open === s.fromUrl ? "a" : "b"}/000`
      await run(put(container, path, bytes("first"), { cumulative_hash_chain: "h" }))
      assert.equal((await failure(put(container, path, bytes("second")))).reason, "BlobExists")
      const blob = await run(direct.getBlob(path))
      assert.deepEqual([blob.body, blob.metadata], [bytes("first"), { cumulative_hash_chain: "h" }])
      const racers = [bytes("left"), bytes("right")]
      const outcomes = await Promise.all(racers.map((body) => run(Effect.result(put(container, `${path}.race`, body)))))
      assert.deepEqual(
        outcomes.map((outcome) => outcome._tag === "Success" ? "won" : outcome.failure.reason).sort(),
        ["BlobExists", "won"]
      )
    }
  })

  azureTest("an expired URL fails with AuthenticationFailed", async (s) => {
    const container = await newContainer(s)
    await run(put(container, "00/000", bytes("x")))
    const url = await run(s.accessUrl(container.id, "read", 1))
    // SAS times have whole seconds: wait until `se` has certainly passed.
    const expiry = Date.parse(new URL(url).searchParams.get("se")!)
    await new Promise((resolve) => setTimeout(resolve, expiry - Date.now() + 1500))
    const expired = await run(AzureBlobStore.containerFromUrl(url))
    assert.equal((await failure(expired.getBlob("00/000"))).reason, "AuthenticationFailed")
    assert.equal((await failure(expired.headBlob("00/000"))).reason, "AuthenticationFailed")
  })

  azureTest("a tampered signature fails with AuthenticationFailed", async (s) => {
    const container = await newContainer(s)
    const url = new URL(await run(s.accessUrl(container.id, "write", 60)))
    url.searchParams.set("sig", Buffer.alloc(32).toString("base64"))
    const tampered = await run(AzureBlobStore.containerFromUrl(url.toString()))
    assert.equal((await failure(put(tampered, "00/000", bytes("x")))).reason, "AuthenticationFailed")
  })

  azureTest("a URL for another account or no SAS is refused", async (s) => {
    const container = await newContainer(s)
    const url = new URL(await run(s.accessUrl(container.id, "read", 60)))
    const elsewhere = `https://other.blob.core.windows.net/${container.id}${url.search}`
    assert.equal((await failure(s.fromUrl(elsewhere))).reason, "AuthenticationFailed")
    // containerFromUrl takes any account's URL: it needs no configuration.
    assert.equal((await run(AzureBlobStore.containerFromUrl(elsewhere))).id, container.id)
    for (const bad of ["not a url", `${url.origin}${url.pathname}`, `${url.origin}/devstoreaccount1${url.search}`]) {
      assert.equal((await failure(AzureBlobStore.containerFromUrl(bad))).reason, "AuthenticationFailed", bad)
      assert.equal((await failure(s.fromUrl(bad))).reason, "AuthenticationFailed", bad)
    }
  })
})

describe("AzureBlobStore: configuration and error mapping", () => {
  test("a malformed connection string fails the layer", async () => {
    const error = await Effect.runPromise(Effect.flip(Layer.build(
      AzureBlobStore.layer({ connectionString: "nonsense", location: "x" })
    ).pipe(Effect.scoped)))
    assert.equal(error.reason, "Io")
  })

  test("Azure and Azurite error codes map to reasons", () => {
    const restError = (statusCode: number | undefined, code: string | undefined, message = "m") => ({
      name: "RestError",
      statusCode,
      code,
      message,
      response: { headers: { get: (name: string) => (name === "x-ms-error-code" ? code : undefined) } }
    })
    const cases: Array<[unknown, BlobStoreError["reason"]]> = [
      [restError(409, "BlobAlreadyExists"), "BlobExists"],
      [restError(412, "ConditionNotMet"), "BlobExists"],
      [restError(403, "UnauthorizedBlobOverwrite"), "BlobExists"],
      [restError(400, "Md5Mismatch"), "Md5Mismatch"],
      [restError(400, "InvalidOperation", "Provided contentMD5 doesn't match."), "Md5Mismatch"],
      [restError(403, "AuthenticationFailed"), "AuthenticationFailed"],
      [restError(403, "AuthorizationFailure"), "AuthenticationFailed"],
      [restError(403, "AuthorizationPermissionMismatch"), "PermissionDenied"],
      [restError(404, "ContainerNotFound"), "ContainerNotFound"],
      [restError(404, "BlobNotFound"), "BlobNotFound"],
      [restError(503, "ServerBusy"), "Unavailable"],
      [restError(500, undefined), "Unavailable"],
      [restError(undefined, "ECONNREFUSED"), "Unavailable"],
      [restError(400, "InvalidResourceName"), "Io"],
      [new AzureBlobStore.TruncatedBody("3 of 5 bytes"), "Unavailable"]
    ]
    for (const [cause, reason] of cases) {
      assert.equal(AzureBlobStore.classify(cause).reason, reason, JSON.stringify(cause))
    }
    // HEAD responses have no body: the code is only in the header.
    const head = { statusCode: 404, details: { errorCode: "ContainerNotFound" }, message: "" }
    assert.equal(AzureBlobStore.classify(head).reason, "ContainerNotFound")
  })
})
