import { pathsOf } from "../BaseCommand.ts"
import { bulkCommand } from "./BulkCommand.ts"
import { help } from "./Help.ts"

export class BufferDeleteCommand extends bulkCommand("delete", { verb: "Delete", gerund: "deleting", subject: "buffers" }) {
  static override paths = pathsOf("buffer", "delete")
  static override usage = help.delete
}
