// Pulumi's mock monitor for graph tests: records every resource registration (type, name, inputs) and, through a
// transformation on the component, the resource options its children were given. Mocks prove the shape of the
// resource graph only; whether Kubernetes accepts the objects is cluster.test.ts's business.
import * as pulumi from "@pulumi/pulumi"

export interface Registration {
  readonly type: string
  readonly name: string
  readonly inputs: Record<string, unknown>
}

export interface Options {
  readonly type: string
  readonly name: string
  readonly parent: pulumi.Resource | undefined
  readonly dependsOn: ReadonlyArray<pulumi.Resource>
  readonly deleteBeforeReplace: boolean | undefined
  readonly ignoreChanges: ReadonlyArray<string> | undefined
  readonly replaceOnChanges: ReadonlyArray<string> | undefined
  readonly customTimeouts: pulumi.CustomTimeouts | undefined
  readonly deletedWith: pulumi.Resource | undefined
  readonly aliases: ReadonlyArray<unknown> | undefined
}

export const registrations: Array<Registration> = []
export const options: Array<Options> = []

export const reset = (): void => {
  registrations.length = 0
  options.length = 0
}

const withUid = (name: string, inputs: Record<string, unknown>): Record<string, unknown> => {
  const metadata = inputs["metadata"]
  return typeof metadata === "object" && metadata !== null ? { ...inputs, metadata: { ...metadata, uid: `${name}-uid` } } : inputs
}

export const install = (stack: string): Promise<void> =>
  pulumi.runtime.setMocks({
    newResource: (args) => {
      registrations.push({ type: args.type, name: args.name, inputs: args.inputs })
      // State echoes the inputs without secret envelopes, as a provider would return them, plus the uid the API
      // server gives an object (`<resource name>-uid`).
      return { id: `${args.name}-id`, state: withUid(args.name, args.inputs) }
    },
    call: (args) => args.inputs
  }, "tyger-ts", stack, false)

/** A v1 transformation: runs in the SDK for the component's children, so it sees their options. */
export const recordOptions: pulumi.ResourceTransformation = (args) => {
  const dependsOn = args.opts.dependsOn
  options.push({
    type: args.type,
    name: args.name,
    parent: args.opts.parent,
    dependsOn: (dependsOn === undefined ? [] : Array.isArray(dependsOn) ? dependsOn : [dependsOn]) as ReadonlyArray<pulumi.Resource>,
    deleteBeforeReplace: (args.opts as pulumi.CustomResourceOptions).deleteBeforeReplace,
    ignoreChanges: args.opts.ignoreChanges,
    replaceOnChanges: args.opts.replaceOnChanges,
    customTimeouts: args.opts.customTimeouts,
    deletedWith: args.opts.deletedWith,
    aliases: args.opts.aliases
  })
  return undefined
}

/** The serialized form of a secret value, as the mock monitor receives it. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d"

/** Inputs as the program gave them: secret envelopes replaced by their values. */
export const unsecret = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(unsecret)
  if (typeof value !== "object" || value === null) return value
  if (SECRET_SIG in value) return unsecret((value as { readonly value?: unknown }).value)
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unsecret(v)]))
}

/** Whether the mock monitor received this input as a secret. */
export const isSecretInput = (value: unknown): boolean => typeof value === "object" && value !== null && SECRET_SIG in value

export const valueOf = <A>(output: pulumi.Output<A>): Promise<A> => new Promise((resolve) => output.apply(resolve))

/** Waits until every resource is registered (awaiting each URN, never an array of outputs). */
export const settled = async (resources: Iterable<pulumi.Resource>): Promise<void> => {
  for (const resource of resources) await valueOf(resource.urn)
}
