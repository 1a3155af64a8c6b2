// Every object the manifests emit, checked offline against the Kubernetes OpenAPI schema (kubernetes-models, about
// Kubernetes 1.34): at run time for types and required fields, and at compile time (tsc) for field names, which the
// upstream schema does not check because it allows unknown fields.
import assert from "node:assert/strict"
import { describe, test } from "node:test"
import { CronJob, type ICronJob } from "kubernetes-models/batch/v1/CronJob"
import { Job, type IJob } from "kubernetes-models/batch/v1/Job"
import { StatefulSet, type IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet"
import { Role, type IRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role"
import { RoleBinding, type IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding"
import { Secret, type ISecret } from "kubernetes-models/v1/Secret"
import { Service, type IService } from "kubernetes-models/v1/Service"
import { manifests, objectId } from "../../../providers/kubernetes/Manifests.ts"
import type * as Objects from "../../../providers/kubernetes/Objects.ts"
import { edgePlan } from "./Fixtures.ts"
import { GOLDEN_OPTIONS, K8S_GOLDEN_MODULES, objectsOf } from "./GoldenManifests.ts"

// The parsed JSON is handed to each model as it is (hence `never`): checking it against the schema is the point.
const MODELS: { readonly [kind: string]: new(data: never) => { validate(): void } } = {
  Job,
  CronJob,
  StatefulSet,
  Service,
  Secret,
  Role,
  RoleBinding
}

/** Constructs the model class of the object's kind and validates it; throws with the schema's complaint. */
export const validate = (object: Objects.KubernetesObject | { readonly kind: string }): void => {
  const Model = MODELS[object.kind]
  if (Model === undefined) throw new Error(`no model for kind ${object.kind}`)
  new Model(JSON.parse(JSON.stringify(object)) as never).validate()
}

// Field names: each hand-written object type may only use keys the Kubernetes type has (recursively).
type Known<A, B> = A extends ReadonlyArray<infer E>
  ? B extends ReadonlyArray<infer F> ? ReadonlyArray<Known<E, F>> : never
  : A extends object ? { readonly [K in keyof A]: K extends keyof B ? Known<A[K], NonNullable<B[K]>> : never }
  : A
export const knownJob = (o: Objects.Job): Known<Objects.Job, IJob> => o
export const knownCronJob = (o: Objects.CronJob): Known<Objects.CronJob, ICronJob> => o
export const knownStatefulSet = (o: Objects.StatefulSet): Known<Objects.StatefulSet, IStatefulSet> => o
export const knownService = (o: Objects.Service): Known<Objects.Service, IService> => o
export const knownSecret = (o: Objects.Secret): Known<Objects.Secret, ISecret> => o
export const knownRole = (o: Objects.Role): Known<Objects.Role, IRole> => o
export const knownRoleBinding = (o: Objects.RoleBinding): Known<Objects.RoleBinding, IRoleBinding> => o
// The type-level check bites: a misspelt field is refused.
// @ts-expect-error `templat` is not a field of a JobSpec
export const misspelt = (o: { readonly spec: { readonly templat: number } }): Known<typeof o, IJob> => o

describe("every emitted object validates against the Kubernetes OpenAPI schema", () => {
  for (const name of K8S_GOLDEN_MODULES) {
    test(`library module ${name}`, async () => {
      const objects = await objectsOf(name)
      assert.ok(objects.length > 0)
      for (const object of objects) assert.doesNotThrow(() => validate(object), objectId(object))
    })
  }

  test("GPUs, shm, node pools, identities, replicas, sockets (native sidecars), long and digit-first names, the key's Secret", async () => {
    const options = { ...GOLDEN_OPTIONS, storageAccount: "acct", storageKeySecret: "tyger-storage", clusterDomain: "example.internal" }
    const objects = manifests(await edgePlan(), options)
    assert.deepEqual([...new Set(objects.map((o) => o.kind))].sort(), ["Job", "Role", "RoleBinding", "Secret", "Service", "StatefulSet"])
    for (const object of objects) assert.doesNotThrow(() => validate(object), objectId(object))
  })
})

describe("the validation bites", () => {
  const hello = async (): Promise<Objects.Job> => {
    const job = (await objectsOf("hello")).find((o) => o.kind === "Job")
    assert.ok(job?.kind === "Job")
    return JSON.parse(JSON.stringify(job))
  }

  test("a container without a name", async () => {
    const job = await hello()
    const { name: _name, ...nameless } = job.spec.template.spec.containers[0]!
    const broken = { ...job, spec: { ...job.spec, template: { ...job.spec.template, spec: { ...job.spec.template.spec, containers: [nameless] } } } }
    assert.throws(() => validate(broken as Objects.KubernetesObject), /containers\/0 must have required property name/)
  })

  test("wrong types: a numeric image, a string backoffLimit, a string port, a non-string Secret value", async () => {
    const job = await hello()
    const numericImage = structuredClone(job) as unknown as { spec: { template: { spec: { containers: Array<{ image: unknown }> } } } }
    numericImage.spec.template.spec.containers[0]!.image = 42
    assert.throws(() => validate(numericImage as unknown as Objects.Job), /image must be string/)
    assert.throws(() => validate({ ...job, spec: { ...job.spec, backoffLimit: "0" } } as unknown as Objects.Job), /backoffLimit must be integer/)
    const daphne = await objectsOf("daphne")
    const service = daphne.find((o) => o.kind === "Service") as Objects.Service
    const badPort = { ...service, spec: { ...service.spec, ports: [{ ...service.spec.ports![0]!, port: "50051" }] } }
    assert.throws(() => validate(badPort as unknown as Objects.Service), /port must be integer/)
    const secret = daphne.find((o) => o.kind === "Secret") as Objects.Secret
    assert.throws(() => validate({ ...secret, stringData: { script: 1 } } as unknown as Objects.Secret), /stringData\/script must be string/)
  })

  test("a CronJob without a schedule, a StatefulSet without a selector", async () => {
    const cron = (await objectsOf("nightly")).find((o) => o.kind === "CronJob") as Objects.CronJob
    const { schedule: _schedule, ...unscheduled } = cron.spec
    assert.throws(() => validate({ ...cron, spec: unscheduled } as unknown as Objects.CronJob), /must have required property schedule/)
    const sts = (await objectsOf("daphne")).find((o) => o.kind === "StatefulSet") as Objects.StatefulSet
    const { selector: _selector, ...selectorless } = sts.spec
    assert.throws(() => validate({ ...sts, spec: selectorless } as unknown as Objects.StatefulSet), /must have required property selector/)
  })

  test("a Role whose verbs are not a list, a RoleBinding without a roleRef or with a nameless subject", async () => {
    const objects = await objectsOf("hello")
    const role = objects.find((o) => o.kind === "Role") as Objects.Role
    const badRule = { ...role, rules: [{ ...role.rules[0]!, verbs: "get" }] }
    assert.throws(() => validate(badRule as unknown as Objects.Role), /rules\/0\/verbs must be array/)
    const binding = objects.find((o) => o.kind === "RoleBinding") as Objects.RoleBinding
    const { roleRef: _roleRef, ...unbound } = binding
    assert.throws(() => validate(unbound as unknown as Objects.RoleBinding), /must have required property roleRef/)
    const { name: _name, ...nameless } = binding.subjects[0]!
    assert.throws(() => validate({ ...binding, subjects: [nameless] } as unknown as Objects.RoleBinding), /subjects\/0 must have required property name/)
  })

  test("an object of an unknown kind is refused, not waved through", () => {
    assert.throws(() => validate({ kind: "Pod" }), /no model for kind Pod/)
  })
})
