import * as Library from "../dsl/library/index.ts"
import * as Workflow from "../dsl/Workflow.ts"
import { WorkflowComponent } from "../providers/kubernetes/WorkflowComponent.ts"
import { compile } from "./compile.ts"
import { componentArgs, type StackConfig } from "./config.ts"

/** The library's nightly schedule: the hello codespec as a CronJob at 02:30 Europe/Berlin. */
export const nightly = async (config: StackConfig) => {
  const plan = await compile(Workflow.make({ runs: [Library.Nightly.nightly] }))
  const workflow = new WorkflowComponent("nightly", { plan, ...componentArgs(config) })
  return { objects: workflow.objectIds, buffers: workflow.bufferIds }
}
