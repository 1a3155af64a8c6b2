import { Option } from "clipanion"
import { BaseCommand } from "../../BaseCommand.ts"

export class BufferPurgeCommand extends BaseCommand {
  static override paths = [["buffer", "purge"], ["buffers", "purge"]]

  static override usage = BaseCommand.Usage({
    category: "Buffers",
    description: "Purge deleted buffers (irreversible)",
    details: "Purge deleted buffers (irreversible). Give buffer IDs, or select buffers with `--tag` (and `--exclude-tag`), or `--all`.",
    examples: [
      ["Purge a soft-deleted buffer", "$0 buffer purge yf4sx2aqzitepjhmxjhanomn5e"],
      ["Purge every soft-deleted buffer tagged project=demo, without asking", "$0 buffer purge --tag project=demo --force"]
    ]
  })

  all = Option.Boolean("--all", false, { description: "Purge all deleted buffers." })
  force = Option.Boolean("--force", false, { description: "Skip confirmation before purging multiple buffers." })
  tags = Option.Array("--tag", { description: "Purge all deleted buffers matching tag. Can be specified multiple times." })
  excludeTags = Option.Array("--exclude-tag", {
    description: "Exclude buffers with the given tag. Can be specified multiple times."
  })

  positionals = Option.Rest({ name: "ID" })

  override async execute(): Promise<number> {
    const { bulk } = await import("../../programs/buffer/bulk.ts")
    return this.runBufferProgram(bulk("purge", {
      positionals: this.positionals,
      tags: this.tags,
      excludeTags: this.excludeTags,
      all: this.all,
      force: this.force,
      stdin: this.context.stdin,
      stderr: this.context.stderr
    }))
  }
}
