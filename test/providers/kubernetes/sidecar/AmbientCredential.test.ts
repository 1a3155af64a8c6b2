// Credentials from a helper container's environment: which one is chosen, the storage account an endpoint names, and
// the workload identity exchange against a local server standing in for Entra ID's token endpoint.
import assert from "node:assert/strict"
import * as fs from "node:fs"
import * as http from "node:http"
import type * as net from "node:net"
import * as path from "node:path"
import { describe, test } from "node:test"
import * as AmbientCredential from "../../../../providers/kubernetes/sidecar/AmbientCredential.ts"
import { tempDir } from "../../../support/Run.ts"

const url = (text: string) => new URL(text)

describe("AmbientCredential", () => {
  test("the account of a blob endpoint: the host's first label, or the first path segment of a path-style endpoint", () => {
    const cases: ReadonlyArray<readonly [string, string | undefined]> = [
      ["https://acct.blob.core.windows.net", "acct"],
      ["https://acct.blob.core.windows.net/", "acct"],
      ["https://acct.blob.core.chinacloudapi.cn", "acct"],
      ["http://127.0.0.1:10000/devstoreaccount1", "devstoreaccount1"],
      ["http://127.0.0.1:41234/devstoreaccount1", "devstoreaccount1"],
      ["http://localhost:10000/acct2", "acct2"],
      ["http://[::1]:4000/acct3", "acct3"],
      ["http://azurite:10000/devstoreaccount1", "devstoreaccount1"],
      ["http://127.0.0.1:10000/", undefined],
      ["https://storage.example.com", undefined],
      ["https://acct.dfs.core.windows.net", undefined]
    ]
    for (const [endpoint, account] of cases) assert.equal(AmbientCredential.accountNameOf(url(endpoint)), account, endpoint)
  })

  test("the account key comes first, then workload identity, else a message naming both", () => {
    const wi = { AZURE_FEDERATED_TOKEN_FILE: "/var/run/token", AZURE_CLIENT_ID: "c", AZURE_TENANT_ID: "t" }
    const azure = url("https://acct.blob.core.windows.net")
    assert.deepEqual(AmbientCredential.fromEnv({ AZURE_STORAGE_KEY: "a2V5", ...wi }, azure), {
      ambient: { _tag: "SharedKey", accountName: "acct", accountKey: "a2V5" }
    })
    assert.deepEqual(AmbientCredential.fromEnv({ AZURE_STORAGE_KEY: "a2V5", AZURE_STORAGE_ACCOUNT: "other" }, azure), {
      ambient: { _tag: "SharedKey", accountName: "other", accountKey: "a2V5" }
    })
    assert.deepEqual(AmbientCredential.fromEnv({ AZURE_STORAGE_KEY: "k" }, url("http://127.0.0.1:10000/devstoreaccount1")), {
      ambient: { _tag: "SharedKey", accountName: "devstoreaccount1", accountKey: "k" }
    })
    const unknown = AmbientCredential.fromEnv({ AZURE_STORAGE_KEY: "k" }, url("https://storage.example.com"))
    assert.ok("problem" in unknown && /set AZURE_STORAGE_ACCOUNT/.test(unknown.problem))
    const identity = AmbientCredential.fromEnv(wi, azure)
    assert.ok("ambient" in identity && identity.ambient._tag === "WorkloadIdentity")
    // Empty values are absent ones (a Secret's key left empty); so is a partial workload identity.
    for (const env of [{}, { AZURE_STORAGE_KEY: "" }, { ...wi, AZURE_TENANT_ID: "" }, { AZURE_CLIENT_ID: "c" }]) {
      assert.deepEqual(AmbientCredential.fromEnv(env, azure), { problem: AmbientCredential.NO_CREDENTIALS })
    }
    assert.match(AmbientCredential.NO_CREDENTIALS, /AZURE_STORAGE_KEY.*workload identity.*AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID/)
  })

  test("an account key as a connection string for the endpoint", () => {
    assert.equal(
      AmbientCredential.connectionString(url("http://127.0.0.1:10000/devstoreaccount1"), "devstoreaccount1", "a2V5=="),
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
    )
    assert.equal(
      AmbientCredential.connectionString(url("https://acct.blob.core.windows.net/"), "acct", "k"),
      "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=k;BlobEndpoint=https://acct.blob.core.windows.net;"
    )
  })

  test("workload identity: a client-assertion exchange per token, the token file re-read, the token reused", async () => {
    const dir = tempDir("tyger-ambient-")
    const tokenFile = path.join(dir, "token")
    const requests: Array<{ readonly method: string; readonly path: string; readonly form: Record<string, string> }> = []
    // What the endpoint answers next: a token for `expiresIn` seconds, or an error.
    const answers: Array<{ readonly status: number; readonly body: object }> = []
    const server = http.createServer((request, response) => {
      let body = ""
      request.setEncoding("utf8").on("data", (chunk: string) => (body += chunk)).on("end", () => {
        requests.push({ method: request.method ?? "", path: request.url ?? "", form: Object.fromEntries(new URLSearchParams(body)) })
        const answer = answers.shift() ?? { status: 500, body: { error: "unexpected" } }
        // A slow answer: callers that come meanwhile must join this exchange.
        setTimeout(() => response.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body)), 100)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    try {
      const port = (server.address() as net.AddressInfo).port
      // Without the trailing slash AKS puts there: the path is the same.
      const credential = AmbientCredential.workloadIdentity({
        tenantId: "tenant-1",
        clientId: "client-1",
        tokenFile,
        authorityHost: `http://127.0.0.1:${port}`
      })
      const token = (access: string, expiresIn: number) => ({ status: 200, body: { token_type: "Bearer", expires_in: expiresIn, access_token: access } })
      const get = async () => (await credential.getToken(AmbientCredential.STORAGE_SCOPE))?.token

      // Valid for 2 minutes only: within the 5-minute margin, so the next call exchanges again, with the new file.
      fs.writeFileSync(tokenFile, "assertion-1\n")
      answers.push(token("access-1", 120))
      assert.equal(await get(), "access-1")
      fs.writeFileSync(tokenFile, "assertion-2\n")
      answers.push(token("access-2", 3600))
      assert.deepEqual(await Promise.all([get(), get(), get()]), ["access-2", "access-2", "access-2"])
      assert.equal(await get(), "access-2")
      assert.equal(requests.length, 2)
      assert.deepEqual(requests[0], {
        method: "POST",
        path: "/tenant-1/oauth2/v2.0/token",
        form: {
          client_id: "client-1",
          scope: "https://storage.azure.com/.default",
          grant_type: "client_credentials",
          client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
          client_assertion: "assertion-1"
        }
      })
      assert.equal(requests[1]!.form["client_assertion"], "assertion-2")
      const issued = await credential.getToken("https://storage.azure.com/.default")
      assert.equal(issued?.tokenType, "Bearer")
      assert.ok(issued !== null && Math.abs(issued.expiresOnTimestamp - (Date.now() + 3600_000)) < 120_000)

      // A refusal is reported with the endpoint's words, and not cached: another scope, then a retry, exchange again.
      answers.push({ status: 400, body: { error: "invalid_client", error_description: "AADSTS700016: no such app\nTrace ID: x" } })
      await assert.rejects(credential.getToken("https://other/.default"), /token request to .* failed: 400 invalid_client: AADSTS700016: no such app$/)
      answers.push(token("access-3", 3600))
      assert.equal((await credential.getToken("https://other/.default"))?.token, "access-3")
      assert.deepEqual(requests.slice(2).map((r) => r.form["scope"]), ["https://other/.default", "https://other/.default"])
    } finally {
      server.close()
    }
  })
})
