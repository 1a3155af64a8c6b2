import { groupCommand } from "../GroupCommand.ts"

export class BufferCommand extends groupCommand("buffer", {
  description: "Manage buffers",
  details: "Manage buffers: create, show, list, set, delete, restore and purge them; read, write and generate their data."
}) {}
