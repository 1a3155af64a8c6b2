import { groupCommand } from "../GroupCommand.ts"

export class CodespecCommand extends groupCommand("codespec", {
  description: "Manage codespecs",
  details: "Manage codespecs: `create` a new version, `show` one, `list` the latest version of each."
}) {}
