import * as pulumi from "@pulumi/pulumi"
import { Effect } from "effect"
import type * as Workflow from "../dsl/Workflow.ts"
import * as Compile from "../engine/plan/Compile.ts"
import type * as Plan from "../engine/plan/Plan.ts"
import { CAPABILITIES } from "../providers/kubernetes/Capabilities.ts"

/**
 * The one place a stack runs an Effect: compile for Kubernetes, so whatever the manifests cannot realise is refused
 * here, every problem listed, before Pulumi registers anything.
 */
export const compile = (workflow: Workflow.Workflow): Promise<Plan.Plan> =>
  Effect.runPromise(
    Compile.compile(workflow, { capabilities: CAPABILITIES, provider: "kubernetes" }).pipe(
      Effect.mapError((error) => new pulumi.RunError(`the workflow does not compile:\n${error.message}`))
    )
  )
