// Tyger's codespec rules with Tyger's exact messages (§3.2, §1.2 of the behaviour reference), the decoding of
// codespec documents, and the identity/JSON forms used for versioning and `codespec show`.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { Exit } from "effect"
import * as CodespecDocument from "../../model/CodespecDocument.ts"
import * as CodespecValidation from "../../model/CodespecValidation.ts"
import type * as Problem from "../../model/Problem.ts"
import * as FileDocuments from "../../engine/files/FileDocuments.ts"

const NAME_MESSAGE =
  "codespec names must contain only lower case letters (a-z), numbers (0-9), dashes (-), underscores (_), and dots (.)"
const invalidBuffer = (name: string) =>
  `The name of buffer '${name}' is invalid. Buffer names must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character.`
const duplicated = (name: string) =>
  `All buffer names must be unique across inputs and outputs. Buffer names are case-insensitive. '${name}' is duplicated`
const socketRef = (variable: string) => `The buffer reference '$(${variable})' is not valid because it is used by a socket`

/** Decodes a document (as a file or JSON body would give it) and fails the test if it does not decode. */
const spec = (document: unknown): CodespecDocument.Spec => {
  const decoded = FileDocuments.decodeCodespec(document)
  assert.deepEqual(decoded.problems, [])
  assert.ok(decoded.value !== undefined)
  return decoded.value
}

const validate = (document: unknown, options?: { readonly expectedKind?: CodespecDocument.Kind }) =>
  CodespecValidation.validate("", spec(document), options)

const job = (extra: object = {}) => ({ image: "ubuntu", ...extra })

describe("codespec names", () => {
  for (const name of ["Foo", "foo bar", "FOO", "foo/bar", "föo", "foo:1"]) {
    test(`'${name}' is invalid`, () => {
      assert.deepEqual(CodespecValidation.validateName("name", name), [{ path: "name", message: NAME_MESSAGE }])
      assert.deepEqual(validate(job({ name })), [{ path: "name", message: NAME_MESSAGE }])
    })
  }
  for (const name of ["a.b-c_d", "hello", "0", "negatingcodespec", "a..b", "-x-"]) {
    test(`'${name}' is valid`, () => {
      assert.deepEqual(CodespecValidation.validateName("name", name), [])
      assert.deepEqual(validate(job({ name })), [])
    })
  }
  test("the message is the CLI's exact wording", () => {
    assert.equal(CodespecValidation.NAME_MESSAGE, NAME_MESSAGE)
  })
  test("a codespec without a name (inline) is valid", () => {
    assert.deepEqual(validate(job()), [])
    assert.deepEqual(validate(job({ name: "" })), [])
  })
})

describe("buffer parameter names", () => {
  for (const name of ["FOO", "foo_bar", "-foo", "bar-", "Input", "a.b", "a b"]) {
    test(`'${name}' is invalid`, () => {
      assert.deepEqual(validate(job({ buffers: { inputs: [name] } })), [
        { path: "buffers.inputs[0]", message: invalidBuffer(name) }
      ])
      assert.deepEqual(validate(job({ buffers: { outputs: ["ok", name] } })), [
        { path: "buffers.outputs[1]", message: invalidBuffer(name) }
      ])
    })
  }
  for (const name of ["a", "input", "my-buf", "a1", "1a", "noisecovariance", "x-1-y"]) {
    test(`'${name}' is valid`, () => {
      assert.deepEqual(validate(job({ buffers: { inputs: [name] } })), [])
    })
  }
  test("an empty or blank name is reported as empty (and not also as invalid)", () => {
    assert.deepEqual(validate(job({ buffers: { inputs: [""], outputs: ["  "] } })), [
      { path: "buffers.inputs[0]", message: "A buffer name cannot be empty" },
      { path: "buffers.outputs[0]", message: "A buffer name cannot be empty" }
    ])
  })
  test("duplicates within inputs", () => {
    assert.deepEqual(validate(job({ buffers: { inputs: ["in", "in"] } })), [
      { path: "buffers.inputs[1]", message: duplicated("in") }
    ])
  })
  test("duplicates across inputs and outputs", () => {
    assert.deepEqual(validate(job({ buffers: { inputs: ["data"], outputs: ["data"] } })), [
      { path: "buffers.outputs[0]", message: duplicated("data") }
    ])
  })
  test("duplicates are found case-insensitively (the upper-case one is also an invalid name)", () => {
    assert.deepEqual(validate(job({ buffers: { inputs: ["data"], outputs: ["DATA"] } })), [
      { path: "buffers.outputs[0]", message: duplicated("DATA") },
      { path: "buffers.outputs[0]", message: invalidBuffer("DATA") }
    ])
  })
  test("a codespec may have any number of buffers", () => {
    const inputs = Array.from({ length: 20 }, (_, i) => `in-${i}`)
    const outputs = Array.from({ length: 20 }, (_, i) => `out-${i}`)
    assert.deepEqual(validate(job({ buffers: { inputs, outputs } })), [])
  })
})

describe("sockets", () => {
  const withSockets = (sockets: ReadonlyArray<object>, extra: object = {}) =>
    job({ buffers: { inputs: ["in", "in2"], outputs: ["out", "out2"] }, sockets, ...extra })

  test("a valid socket", () => {
    assert.deepEqual(validate(withSockets([{ port: 8080, inputBuffer: "in", outputBuffer: "out" }])), [])
    assert.deepEqual(validate(withSockets([{ port: 1, inputBuffer: "in" }, { port: 65535, outputBuffer: "out" }])), [])
  })
  for (const port of [0, -1, 65536, 100000]) {
    test(`port ${port} is out of range`, () => {
      assert.deepEqual(validate(withSockets([{ port, inputBuffer: "in" }])), [
        { path: "sockets[0].port", message: "Port must be between 1 and 65535" }
      ])
    })
  }
  test("the input buffer must be one of the inputs (an output does not count)", () => {
    assert.deepEqual(validate(withSockets([{ port: 8080, inputBuffer: "out" }, { port: 8081, inputBuffer: "nope" }])), [
      {
        path: "sockets[0].inputBuffer",
        message: "The input buffer 'out' for socket 8080 is not among the codespec's input buffer parameters"
      },
      {
        path: "sockets[1].inputBuffer",
        message: "The input buffer 'nope' for socket 8081 is not among the codespec's input buffer parameters"
      }
    ])
  })
  test("the output buffer must be one of the outputs", () => {
    assert.deepEqual(validate(withSockets([{ port: 9000, outputBuffer: "in" }])), [
      {
        path: "sockets[0].outputBuffer",
        message: "The output buffer 'in' for socket 9000 is not among the codespec's output buffer parameters"
      }
    ])
  })
  test("a buffer may be used by only one socket", () => {
    assert.deepEqual(
      validate(withSockets([
        { port: 8080, inputBuffer: "in", outputBuffer: "out" },
        { port: 8081, inputBuffer: "in", outputBuffer: "out" }
      ])),
      [
        { path: "sockets[1].inputBuffer", message: "The input buffer 'in' is used by multiple sockets" },
        { path: "sockets[1].outputBuffer", message: "The output buffer 'out' is used by multiple sockets" }
      ]
    )
  })
  test("at least one buffer per socket", () => {
    assert.deepEqual(validate(withSockets([{ port: 8080 }, { port: 8081, inputBuffer: "", outputBuffer: "" }])), [
      { path: "sockets[0]", message: "At least one of the input or output buffer must be specified for socket 8080" },
      { path: "sockets[1]", message: "At least one of the input or output buffer must be specified for socket 8081" }
    ])
  })
  test("args, command and env may not reference the pipe of a socket buffer", () => {
    const problems = validate(withSockets([{ port: 8080, inputBuffer: "in", outputBuffer: "out" }], {
      command: ["sh", "-c", "cat $(IN_PIPE)"],
      args: ["--out=$(OUT_PIPE)", "$(IN2_PIPE)", "$(OUT2_PIPE)"],
      env: { X: "$(IN_PIPE)", Y: "$(OUT2_PIPE)" }
    }))
    assert.deepEqual(problems, [
      { path: "command[2]", message: socketRef("IN_PIPE") },
      { path: "args[0]", message: socketRef("OUT_PIPE") },
      { path: "env.X", message: socketRef("IN_PIPE") }
    ])
  })
  test("the $$(A_PIPE) escape is allowed; an escape followed by a reference is not", () => {
    assert.deepEqual(
      validate(withSockets([{ port: 8080, inputBuffer: "in" }], { args: ["$$(IN_PIPE)", "x$$(IN_PIPE)y"] })),
      []
    )
    assert.deepEqual(validate(withSockets([{ port: 8080, inputBuffer: "in" }], { args: ["$$$(IN_PIPE)"] })), [
      { path: "args[0]", message: socketRef("IN_PIPE") }
    ])
  })
  test("shell syntax that is not a $(VAR) reference is not checked", () => {
    assert.deepEqual(
      validate(withSockets([{ port: 8080, inputBuffer: "in" }], { args: ['cat "$IN_PIPE"', "${IN_PIPE}"] })),
      []
    )
  })
  test("every reference in one value is checked", () => {
    assert.deepEqual(
      validate(withSockets([{ port: 8080, inputBuffer: "in", outputBuffer: "out" }], { args: ["$(IN_PIPE)->$(OUT_PIPE)"] })),
      [
        { path: "args[0]", message: socketRef("IN_PIPE") },
        { path: "args[0]", message: socketRef("OUT_PIPE") }
      ]
    )
  })
  test("without socket-bound buffers pipe references are fine", () => {
    assert.deepEqual(validate(job({ buffers: { inputs: ["in"] }, args: ["$(IN_PIPE)"] })), [])
  })
})

describe("kinds", () => {
  test("job is the default, and kinds are case-insensitive", () => {
    for (const kind of [undefined, "", "job", "JOB", "Job"]) {
      assert.equal(CodespecValidation.kindOf(kind === undefined ? {} : { kind }), "job")
    }
    assert.equal(CodespecValidation.kindOf({ kind: "Worker" }), "worker")
    assert.equal(CodespecValidation.kindOf({ kind: "service" }), undefined)
  })
  test("an unknown kind", () => {
    assert.deepEqual(validate(job({ kind: "service" })), [
      { path: "kind", message: "codespec kind must be either 'job', worker' or empty (defaults to 'job')" }
    ])
  })
  test("a worker with buffers (Tyger's typo included)", () => {
    assert.deepEqual(validate(job({ kind: "worker", buffers: { inputs: ["in"] } })), [
      { path: "buffers", message: "worker codespecs cannot have use buffers" }
    ])
  })
  test("a worker with sockets counts as a worker with buffers", () => {
    const problems = validate(job({ kind: "worker", sockets: [{ port: 80 }] }))
    assert.deepEqual(problems[0], { path: "buffers", message: "worker codespecs cannot have use buffers" })
  })
  test("a worker with empty buffer lists is fine", () => {
    assert.deepEqual(validate(job({ kind: "worker", buffers: { inputs: [], outputs: [] } })), [])
  })
  test("a job with endpoints", () => {
    assert.deepEqual(validate(job({ endpoints: { grpc: 50051 } })), [
      { path: "endpoints", message: "job codespecs cannot have endpoints" }
    ])
    assert.deepEqual(validate(job({ kind: "job", endpoints: {} })), [])
  })
  test("a worker with endpoints", () => {
    assert.deepEqual(validate(job({ kind: "worker", endpoints: { grpc: 50051, http: 80 } })), [])
  })
  test("endpoint ports must be in range", () => {
    assert.deepEqual(validate(job({ kind: "worker", endpoints: { a: 0, b: 65536, c: 65535 } })), [
      { path: "endpoints.a", message: "Port must be between 1 and 65535" },
      { path: "endpoints.b", message: "Port must be between 1 and 65535" }
    ])
  })
  test("the kind a run target expects", () => {
    assert.deepEqual(validate(job(), { expectedKind: "worker" }), [
      { path: "kind", message: "the worker target needs a worker codespec, but the codespec is a job codespec" }
    ])
    assert.deepEqual(validate(job({ kind: "worker" }), { expectedKind: "job" }), [
      { path: "kind", message: "the job target needs a job codespec, but the codespec is a worker codespec" }
    ])
    assert.deepEqual(validate(job({ kind: "worker" }), { expectedKind: "worker" }), [])
  })
})

describe("image", () => {
  for (const [what, document] of [["missing", {}], ["empty", { image: "" }], ["blank", { image: "   " }]] as const) {
    test(`${what} image`, () => {
      assert.deepEqual(validate(document), [{ path: "image", message: "The image field is required." }])
    })
  }
})

describe("maxReplicas", () => {
  test("negative is refused, zero and positive are fine", () => {
    assert.deepEqual(validate(job({ maxReplicas: -1 })), [{ path: "maxReplicas", message: "maxReplicas must not be negative" }])
    assert.deepEqual(validate(job({ maxReplicas: 0 })), [])
    assert.deepEqual(validate(job({ maxReplicas: 4 })), [])
  })
})

describe("every problem at once", () => {
  test("four different problems give four problems with distinct paths", () => {
    const problems = validate({ name: "Foo", image: "", buffers: { inputs: ["FOO"] }, endpoints: { grpc: 1 } })
    assert.equal(problems.length, 4)
    assert.deepEqual(new Set(problems.map((p) => p.path)), new Set(["name", "image", "buffers.inputs[0]", "endpoints"]))
    assert.deepEqual(problems, [
      { path: "name", message: NAME_MESSAGE },
      { path: "endpoints", message: "job codespecs cannot have endpoints" },
      { path: "image", message: "The image field is required." },
      { path: "buffers.inputs[0]", message: invalidBuffer("FOO") }
    ])
  })
  test("paths are prefixed with the codespec's location", () => {
    const problems = CodespecValidation.validate("runs.nightly.job.codespec", spec({ image: "", buffers: { outputs: ["A_B"] } }))
    assert.deepEqual(problems.map((p) => p.path), ["runs.nightly.job.codespec.image", "runs.nightly.job.codespec.buffers.outputs[0]"])
  })
  test("check settles the kind and the image", () => {
    const { problems, checked } = CodespecValidation.check("", spec({ kind: "WORKER", image: "x" }))
    assert.deepEqual(problems, [])
    assert.equal(checked.kind, "worker")
    assert.equal(checked.image, "x")
    assert.equal(CodespecValidation.check("", spec({ image: "x" })).checked.kind, "job")
  })
})

describe("CodespecDocument decoding", () => {
  const problemsOf = (document: unknown): ReadonlyArray<Problem.Problem> => FileDocuments.decodeCodespec(document).problems

  test("the decoder itself fails on an unknown field", () => {
    assert.ok(Exit.isFailure(CodespecDocument.decodeUnknown({ image: "x", foo: 1 }, CodespecDocument.decodeOptions)))
    assert.ok(Exit.isSuccess(CodespecDocument.decodeUnknown({ image: "x" }, CodespecDocument.decodeOptions)))
  })
  test("unknown fields are rejected at their path", () => {
    assert.deepEqual(problemsOf({ image: "x", foo: 1 }), [{ path: "foo", message: "unknown field 'foo'" }])
    assert.deepEqual(problemsOf({ image: "x", buffers: { inputs: ["a"], outptus: ["b"] } }), [
      { path: "buffers.outptus", message: "unknown field 'outptus'" }
    ])
    assert.deepEqual(problemsOf({ image: "x", resources: { requests: { gpu: 1 } } }), [
      { path: "resources.requests.gpu", message: "unknown field 'gpu'" }
    ])
    assert.deepEqual(problemsOf({ image: "x", sockets: [{ port: 80, inputBuffer: "a", protocol: "tcp" }] }), [
      { path: "sockets[0].protocol", message: "unknown field 'protocol'" }
    ])
  })
  test("a missing required field", () => {
    assert.deepEqual(problemsOf({ image: "x", sockets: [{ inputBuffer: "a" }] }), [
      { path: "sockets[0].port", message: "the field 'port' is required" }
    ])
  })
  test("wrong types, all reported", () => {
    assert.deepEqual(problemsOf({ image: 3, command: "ls -l", maxReplicas: 1.5, endpoints: { grpc: "50051" }, env: { A: true } }), [
      { path: "image", message: "Expected string" },
      { path: "command", message: "Expected array" },
      { path: "env.A", message: "Expected string" },
      { path: "maxReplicas", message: "Expected an integer" },
      { path: "endpoints.grpc", message: "Expected number" }
    ])
  })
  test("the document must be a mapping", () => {
    assert.deepEqual(problemsOf(["image", "x"]), [{ path: "", message: "Expected object" }])
    assert.deepEqual(problemsOf("image: x"), [{ path: "", message: "Expected object" }])
  })
  test("an invalid quantity carries Kubernetes' message", () => {
    assert.deepEqual(problemsOf({ image: "x", resources: { limits: { memory: "lots" } } }), [
      {
        path: "resources.limits.memory",
        message: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
      }
    ])
  })
  test("quantities accept numbers and strings", () => {
    const decoded = spec({ image: "x", resources: { requests: { cpu: 1, memory: "1G" }, limits: { cpu: 0.5, memory: 1.5 }, gpu: 2, shm: "64Mi" } })
    assert.deepEqual(CodespecDocument.toJson(decoded)["resources"], {
      requests: { cpu: "1", memory: "1G" },
      limits: { cpu: "500m", memory: "1500m" },
      gpu: "2",
      shm: "64Mi"
    })
  })
  test("system fields are accepted", () => {
    const decoded = spec({ kind: "job", name: "hello", version: 3, createdAt: "2024-01-01T00:00:00Z", image: "x" })
    assert.equal(decoded.version, 3)
    assert.deepEqual(CodespecDocument.withoutSystemFields(decoded), { kind: "job", image: "x" })
  })
})

describe("CodespecDocument.canonicalKey", () => {
  const key = (document: unknown) => CodespecDocument.canonicalKey(spec(document))
  const base = { image: "x", buffers: { inputs: ["a", "b"], outputs: ["c", "d"] }, command: ["sh", "-c"], args: ["1", "2"] }

  test("env order does not matter, env values do", () => {
    assert.equal(key({ ...base, env: { A: "1", B: "2" } }), key({ ...base, env: { B: "2", A: "1" } }))
    assert.notEqual(key({ ...base, env: { A: "1" } }), key({ ...base, env: { A: "2" } }))
    assert.notEqual(key({ ...base, env: { A: "1" } }), key({ ...base, env: { A: "1", MY_ENV: "MY_VALUE" } }))
  })
  test("buffer order does not matter, buffer direction does", () => {
    assert.equal(key(base), key({ ...base, buffers: { inputs: ["b", "a"], outputs: ["d", "c"] } }))
    assert.notEqual(key(base), key({ ...base, buffers: { inputs: ["a", "b", "c"], outputs: ["d"] } }))
  })
  test("endpoint order does not matter", () => {
    assert.equal(
      key({ kind: "worker", image: "x", endpoints: { a: 1, b: 2 } }),
      key({ kind: "worker", image: "x", endpoints: { b: 2, a: 1 } })
    )
  })
  test("command and args order matters", () => {
    assert.notEqual(key(base), key({ ...base, command: ["-c", "sh"] }))
    assert.notEqual(key(base), key({ ...base, args: ["2", "1"] }))
  })
  test("quantities compare by value", () => {
    const cpu = (value: unknown) => key({ ...base, resources: { requests: { cpu: value } } })
    assert.equal(cpu(1), cpu("1000m"))
    assert.equal(cpu("1"), cpu("1000m"))
    assert.equal(cpu(0.5), cpu("500m"))
    assert.notEqual(cpu(1), cpu(2))
    const memory = (value: unknown) => key({ ...base, resources: { limits: { memory: value } } })
    assert.equal(memory("1Gi"), memory("1024Mi"))
    assert.equal(memory("1Gi"), memory("1073741824"))
    assert.equal(memory("1G"), memory("1000M"))
    assert.notEqual(memory("1G"), memory("1Gi"))
  })
  test("name, version and createdAt are ignored", () => {
    assert.equal(key(base), key({ ...base, name: "other", version: 7, createdAt: "2024-01-01T00:00:00Z" }))
  })
  test("the default kind equals an explicit job kind; a worker differs", () => {
    const plain = { image: "x" }
    assert.equal(key(plain), key({ ...plain, kind: "job" }))
    assert.notEqual(key(plain), key({ ...plain, kind: "worker" }))
  })
  test("empty collections equal absent ones", () => {
    assert.equal(key({ image: "x" }), key({ image: "x", env: {}, args: [], command: [], buffers: { inputs: [] }, workingDir: "" }))
  })
  test("image and other scalars matter", () => {
    assert.notEqual(key({ image: "x" }), key({ image: "y" }))
    assert.notEqual(key({ image: "x" }), key({ image: "x", workingDir: "/w" }))
    assert.notEqual(key({ image: "x" }), key({ image: "x", identity: "id" }))
    assert.notEqual(key({ image: "x" }), key({ image: "x", maxReplicas: 2 }))
  })
})

describe("CodespecDocument.toJson", () => {
  test("fields in Tyger's output order", () => {
    const json = CodespecDocument.toJson(spec({
      endpoints: { b: 2 },
      maxReplicas: 2,
      resources: { gpu: 1 },
      identity: "me",
      env: { A: "1" },
      workingDir: "/w",
      args: ["a"],
      command: ["c"],
      image: "x",
      sockets: [{ port: 80, inputBuffer: "in" }],
      buffers: { outputs: ["out"], inputs: ["in"] },
      createdAt: "2024-01-01T00:00:00Z",
      version: 1,
      name: "n",
      kind: "job"
    }))
    assert.deepEqual(Object.keys(json), [
      "kind", "name", "version", "createdAt", "buffers", "sockets", "image", "command", "args", "workingDir", "env",
      "identity", "resources", "maxReplicas", "endpoints"
    ])
    assert.deepEqual(Object.keys(json["buffers"] as object), ["inputs", "outputs"])
  })
  test("resources in Tyger's order", () => {
    const json = CodespecDocument.toJson(spec({
      image: "x",
      resources: { shm: "1Gi", gpu: 1, limits: { memory: "1G", cpu: 2 }, requests: { memory: "1G", cpu: 1 } }
    }))
    const resources = json["resources"] as Record<string, Record<string, string>>
    assert.deepEqual(Object.keys(resources), ["requests", "limits", "gpu", "shm"])
    assert.deepEqual(Object.keys(resources["requests"] ?? {}), ["cpu", "memory"])
  })
  test("empty strings and collections are dropped; kind and image are always present", () => {
    assert.deepEqual(
      CodespecDocument.toJson(spec({
        name: "",
        buffers: { inputs: [], outputs: [] },
        sockets: [],
        command: [],
        args: [],
        workingDir: "",
        env: {},
        identity: "",
        resources: { requests: {}, limits: {} },
        maxReplicas: 0,
        endpoints: {}
      })),
      { kind: "job", image: "" }
    )
  })
  test("one empty buffer list is dropped, the other kept", () => {
    assert.deepEqual(CodespecDocument.toJson(spec({ image: "x", buffers: { inputs: [], outputs: ["o"] } }))["buffers"], { outputs: ["o"] })
  })
  test("env and endpoint keys are sorted as Go prints maps", () => {
    const json = CodespecDocument.toJson(spec({ kind: "worker", image: "x", env: { b: "1", a: "2", C: "3", _x: "4" }, endpoints: { z: 1, a: 2 } }))
    assert.deepEqual(Object.keys(json["env"] as object), ["C", "_x", "a", "b"])
    assert.deepEqual(Object.keys(json["endpoints"] as object), ["a", "z"])
  })
  test("command and args keep their order", () => {
    const json = CodespecDocument.toJson(spec({ image: "x", command: ["z", "a"], args: ["2", "1"] }))
    assert.deepEqual(json["command"], ["z", "a"])
    assert.deepEqual(json["args"], ["2", "1"])
  })
  test("quantities are canonical (1000m → 1)", () => {
    const json = CodespecDocument.toJson(spec({ image: "x", resources: { requests: { cpu: "1000m", memory: "1.5Gi" } } }))
    assert.deepEqual(json["resources"], { requests: { cpu: "1", memory: "1536Mi" } })
  })
  test("sockets drop their empty buffers", () => {
    const json = CodespecDocument.toJson(spec({ image: "x", sockets: [{ port: 80, inputBuffer: "in", outputBuffer: "" }] }))
    assert.deepEqual(json["sockets"], [{ port: 80, inputBuffer: "in" }])
  })
})

describe("pipe and endpoint variables", () => {
  test("upper-cased, dashes kept", () => {
    assert.equal(CodespecDocument.pipeVariable("input"), "INPUT_PIPE")
    assert.equal(CodespecDocument.pipeVariable("my-buf"), "MY-BUF_PIPE")
    assert.equal(CodespecDocument.endpointVariable("TestWorker"), "TYGER_TESTWORKER_WORKER_ENDPOINT_ADDRESSES")
    assert.equal(CodespecDocument.WORKER_NODES_VARIABLE, "TYGER_WORKER_NODES")
  })
})
