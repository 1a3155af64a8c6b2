// Codespec values refused at the door (issue 14, item 5): names bounded, env keys Kubernetes can set, image references
// Docker can read, quantities Kubernetes can hold. Every rule sits in CodespecValidation, so the CLI, YAML files and
// the plan compiler all apply it.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import * as CodespecDocument from "../../model/CodespecDocument.ts"
import * as CodespecValidation from "../../model/CodespecValidation.ts"
import * as FileDocuments from "../../engine/files/FileDocuments.ts"

const spec = (document: unknown): CodespecDocument.Spec => {
  const decoded = FileDocuments.decodeCodespec(document)
  assert.deepEqual(decoded.problems, [])
  assert.ok(decoded.value !== undefined)
  return decoded.value
}

const validate = (document: object) => CodespecValidation.validate("", spec({ image: "ubuntu", ...document }))

const ENV_RULE = "Environment variable names must consist of letters, digits, '_', '-' or '.', and must not start with a digit."

describe("codespec names are bounded", () => {
  test("253 characters are accepted, 254 and 10 MB are refused without echoing the name", () => {
    assert.deepEqual(CodespecValidation.validateName("name", "a".repeat(253)), [])
    for (const name of ["a".repeat(254), "a".repeat(10 * 1024 * 1024)]) {
      assert.deepEqual(CodespecValidation.validateName("name", name), [
        { path: "name", message: "codespec names must be at most 253 characters long" }
      ])
    }
    assert.deepEqual(validate({ name: "b".repeat(300) }), [{ path: "name", message: CodespecValidation.NAME_LENGTH_MESSAGE }])
  })
})

describe("buffer names are bounded like the DNS labels their pattern describes", () => {
  test("63 characters are accepted, 64 are refused with a shortened name", () => {
    assert.deepEqual(validate({ buffers: { inputs: ["a".repeat(63)] } }), [])
    const problems = validate({ buffers: { outputs: ["b".repeat(10 * 1024 * 1024)] } })
    assert.deepEqual(problems, [{
      path: "buffers.outputs[0]",
      message: `The name of buffer '${"b".repeat(64)}...' is invalid. Buffer names must be at most 63 characters long.`
    }])
  })
})

describe("env keys", () => {
  test("an empty key", () => {
    assert.deepEqual(validate({ env: { "": "x" } }), [{ path: "env.\"\"", message: "An environment variable name cannot be empty" }])
  })
  for (const [key, shown] of [["A=B", "A=B"], ["A\u0000B", "A\\u0000B"], ["1A", "1A"], ["A B", "A B"], ["A\nB", "A\\nB"]] as const) {
    test(`${JSON.stringify(key)} is refused`, () => {
      const problems = validate({ env: { [key]: "x" } })
      assert.equal(problems.length, 1)
      assert.equal(problems[0]?.message, `The environment variable name '${shown}' is invalid. ${ENV_RULE}`)
    })
  }
  test("a huge key is refused by its length, shortened in the message and the path", () => {
    const problems = validate({ env: { ["K".repeat(300)]: "x" } })
    assert.equal(problems.length, 1)
    assert.equal(problems[0]?.message,
      `The environment variable name '${"K".repeat(64)}...' is invalid. Environment variable names must be at most 253 characters long.`)
    assert.ok((problems[0]?.path.length ?? 0) < 100)
  })
  for (const key of ["A", "my.env-name", "MY_ENV.NAME", "MyEnvName1", "_x", "-x", ".x"]) {
    test(`'${key}' is accepted`, () => assert.deepEqual(validate({ env: { [key]: "x" } }), []))
  }
})

describe("image references", () => {
  for (
    const image of [
      "busybox", "ubuntu:24.04", "tyger-ts:golden", "quay.io/linuxserver.io/ffmpeg", "localhost:5000/team/app:1.2-rc_3",
      "ghcr.io/gadgetron/gadgetron/gadgetron_ubuntu_rt_nocuda:latest", "[::1]:5000/app",
      `app@sha256:${"a".repeat(64)}`, `registry.example/app:1@sha256:${"0".repeat(64)}`, "X"
    ]
  ) {
    test(`'${image}' is accepted`, () => assert.deepEqual(validate({ image }), []))
  }
  const refused = (shown: string) =>
    `The image '${shown}' is not a valid image reference. It should be in the form '[registry/]repository[:tag][@digest]', e.g. 'ubuntu:24.04'.`
  for (
    const [image, shown] of [
      ["a b", "a b"], ["busybox\n", "busybox\\n"], ["busy\u0000box", "busy\\u0000box"], [" busybox", " busybox"],
      ["busybox:", "busybox:"], ["/busybox", "/busybox"], ["a//b", "a//b"], ["app@sha256:xyz", "app@sha256:xyz"],
      ["x".repeat(2000), `${"x".repeat(64)}...`]
    ] as const
  ) {
    test(`${JSON.stringify(image.slice(0, 20))} is refused`, () => {
      assert.deepEqual(validate({ image }), [{ path: "image", message: refused(shown) }])
    })
  }
  test("an empty image keeps Tyger's message", () => {
    assert.deepEqual(validate({ image: " " }), [{ path: "image", message: "The image field is required." }])
  })
})

describe("resource quantities", () => {
  test("negative quantities are refused, in the CLI's quantity wording", () => {
    assert.deepEqual(validate({ resources: { limits: { memory: "-1" }, gpu: "-1", requests: { cpu: "-500m" } } }), [
      { path: "resources.requests.cpu", message: "cpu request value is invalid: must be greater than or equal to 0, got '-500m'" },
      { path: "resources.limits.memory", message: "memory limit value is invalid: must be greater than or equal to 0, got '-1'" },
      { path: "resources.gpu", message: "gpu value is invalid: must be greater than or equal to 0, got '-1'" }
    ])
  })
  test("quantities whose milli-value does not fit Kubernetes' int64 are refused", () => {
    assert.deepEqual(validate({ resources: { limits: { cpu: "1e400" }, shm: "1e2147483647" } }), [
      { path: "resources.limits.cpu", message: "cpu limit value is invalid: must be at most 9223372036854775807m, got '10e399'" },
      { path: "resources.shm", message: "shm value is invalid: must be at most 9223372036854775807m, got '10e2147483646'" }
    ])
  })
  test("zero, the largest representable value and ordinary values are accepted", () => {
    assert.deepEqual(validate({ resources: { requests: { cpu: "0", memory: "9223372036854775807m" }, limits: { memory: "8Pi" }, gpu: 1 } }), [])
    assert.deepEqual(validate({ resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: 2, memory: "4G" }, shm: "64Mi" } }), [])
  })
  test("one milli past the largest is refused, as is 64Ei (bytes fit an int64, milli-bytes do not)", () => {
    assert.equal(validate({ resources: { requests: { memory: "9223372036854775808m" } } }).length, 1)
    assert.equal(validate({ resources: { limits: { memory: "64Ei" } } }).length, 1)
  })
})

describe("endpoint names", () => {
  test("empty and huge endpoint names are refused", () => {
    const worker = (endpoints: Record<string, number>) => validate({ kind: "worker", endpoints })
    assert.deepEqual(worker({ "": 80 }), [{ path: "endpoints.\"\"", message: "An endpoint name cannot be empty" }])
    assert.equal(worker({ ["e".repeat(254)]: 80 })[0]?.message,
      `The endpoint name '${"e".repeat(64)}...' is too long. Endpoint names must be at most 253 characters long.`)
    assert.deepEqual(worker({ web: 80 }), [])
  })
})

describe("preview", () => {
  test("escapes control characters, keeps quotes, cuts long text", () => {
    assert.equal(CodespecValidation.preview("a\"b\tc"), "a\"b\\tc")
    assert.equal(CodespecValidation.preview("x".repeat(65)), `${"x".repeat(64)}...`)
  })
})
