import { pathsOf } from "../BaseCommand.ts"
import { bulkCommand } from "./BulkCommand.ts"
import { help } from "./Help.ts"

export class BufferPurgeCommand extends bulkCommand("purge", { verb: "Purge", gerund: "purging", subject: "deleted buffers" }) {
  static override paths = pathsOf("buffer", "purge")
  static override usage = help.purge
}
