import * as Library from "../dsl/library/index.ts"
import * as Workflow from "../dsl/Workflow.ts"
import { WorkflowComponent } from "../providers/kubernetes/WorkflowComponent.ts"
import { compile } from "./compile.ts"
import { componentArgs, type StackConfig } from "./config.ts"

/** A one-off distributed run: DAPHNE's coordinator with three `DistributedWorker`s. */
export const distributed = async (config: StackConfig) => {
  const plan = await compile(Workflow.make({ runs: [Library.Daphne.daphne] }))
  const workflow = new WorkflowComponent("distributed", { plan, ...componentArgs(config) })
  return { objects: workflow.objectIds, buffers: workflow.bufferIds }
}
