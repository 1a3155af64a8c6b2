import { pathsOf, usage } from "../BaseCommand.ts"
import { bulkCommand } from "./BulkCommand.ts"

export class BufferDeleteCommand extends bulkCommand("delete", { verb: "Delete", gerund: "deleting", subject: "buffers" }) {
  static override paths = pathsOf("buffer", "delete")
  static override usage = usage("Buffers", "Delete buffers", {
    details: "Delete buffers (soft-delete). Give buffer IDs, or select buffers with `--tag` (and `--exclude-tag`), or `--all`.",
    examples: [
      ["Soft-delete a buffer", "$0 buffer delete yf4sx2aqzitepjhmxjhanomn5e"],
      ["Soft-delete every buffer tagged project=demo, without asking", "$0 buffer delete --tag project=demo --force"]
    ]
  })
}
