import { groupCommand } from "../GroupCommand.ts"

export class RunCommand extends groupCommand("run", {
  description: "Manage runs",
  details: "Manage runs: create and execute them, show, watch, list, count, tag and cancel them, and read their logs."
}) {}
