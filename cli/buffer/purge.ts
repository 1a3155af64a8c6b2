import { pathsOf, usage } from "../BaseCommand.ts"
import { bulkCommand } from "./BulkCommand.ts"

export class BufferPurgeCommand extends bulkCommand("purge", { verb: "Purge", gerund: "purging", subject: "deleted buffers" }) {
  static override paths = pathsOf("buffer", "purge")
  static override usage = usage("Buffers", "Purge deleted buffers (irreversible)", {
    details: "Purge deleted buffers (irreversible). Give buffer IDs, or select buffers with `--tag` (and `--exclude-tag`), or `--all`.",
    examples: [
      ["Purge a soft-deleted buffer", "$0 buffer purge yf4sx2aqzitepjhmxjhanomn5e"],
      ["Purge every soft-deleted buffer tagged project=demo, without asking", "$0 buffer purge --tag project=demo --force"]
    ]
  })
}
