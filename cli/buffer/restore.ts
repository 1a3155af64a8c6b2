import { pathsOf } from "../BaseCommand.ts"
import { bulkCommand } from "./BulkCommand.ts"
import { help } from "./Help.ts"

export class BufferRestoreCommand extends bulkCommand("restore", { verb: "Restore", gerund: "restoring", subject: "deleted buffers" }) {
  static override paths = pathsOf("buffer", "restore")
  static override usage = help.restore
}
