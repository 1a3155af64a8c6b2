import { pathsOf, usage } from "../BaseCommand.ts"
import { bulkCommand } from "./BulkCommand.ts"

export class BufferRestoreCommand extends bulkCommand("restore", { verb: "Restore", gerund: "restoring", subject: "deleted buffers" }) {
  static override paths = pathsOf("buffer", "restore")
  static override usage = usage("Buffers", "Restore deleted buffers", {
    details: "Restore deleted buffers. Give buffer IDs, or select buffers with `--tag` (and `--exclude-tag`), or `--all`.",
    examples: [
      ["Restore a soft-deleted buffer", "$0 buffer restore yf4sx2aqzitepjhmxjhanomn5e"],
      ["Restore every soft-deleted buffer tagged project=demo, without asking", "$0 buffer restore --tag project=demo --force"]
    ]
  })
}
