import { groupCommand } from "../GroupCommand.ts"

export class WorkflowCommand extends groupCommand("workflow", {
  description: "Manage applied workflows (tyger-ts)",
  details: "Manage the workflows applied with `tyger apply`: list them, and show their runs."
}) {}
