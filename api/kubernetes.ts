/**
 * `tyger-ts/kubernetes`: a plan as Kubernetes objects (pure, no cluster needed) and the Pulumi component
 * `tyger-ts:kubernetes:Workflow` that applies them. Needs the optional peers `@pulumi/pulumi` and `@pulumi/kubernetes`.
 * @module
 */
export { bufferIds } from "../providers/kubernetes/BufferPlan.ts"
export { CAPABILITIES } from "../providers/kubernetes/Capabilities.ts"
export { manifests } from "../providers/kubernetes/Manifests.ts"
export type { Options as ManifestOptions } from "../providers/kubernetes/Options.ts"
export type { BufferIds, WorkflowArgs } from "../providers/kubernetes/WorkflowComponent.ts"
export { toYaml } from "../providers/kubernetes/Yaml.ts"

// The Pulumi SDK is an optional peer: a static import of it would fail at link time with the runtime's bare
// "cannot find package", so the component is loaded here and a missing SDK is named with what to install.
const component: typeof import("../providers/kubernetes/WorkflowComponent.ts") = await import(
  "../providers/kubernetes/WorkflowComponent.ts"
).catch((cause: unknown) => {
  throw new Error(
    "tyger-ts/kubernetes needs the optional packages @pulumi/pulumi and @pulumi/kubernetes: " +
      "npm install @pulumi/pulumi @pulumi/kubernetes",
    { cause }
  )
})

/** The Pulumi component `tyger-ts:kubernetes:Workflow`: a compiled plan's objects as child resources. */
export const WorkflowComponent: typeof component.WorkflowComponent = component.WorkflowComponent
export type WorkflowComponent = InstanceType<typeof component.WorkflowComponent>

/** The Job annotation holding a run's rerun token (`WorkflowArgs.rerun`). */
export const RERUN_ANNOTATION: string = component.RERUN_ANNOTATION
