import { Option } from "clipanion"
import { BaseCommand } from "../../BaseCommand.ts"

export class BufferDeleteCommand extends BaseCommand {
  static override paths = [["buffer", "delete"], ["buffers", "delete"]]

  static override usage = BaseCommand.Usage({
    category: "Buffers",
    description: "Delete buffers",
    details: "Delete buffers (soft-delete). Give buffer IDs, or select buffers with `--tag` (and `--exclude-tag`), or `--all`.",
    examples: [
      ["Soft-delete a buffer", "$0 buffer delete yf4sx2aqzitepjhmxjhanomn5e"],
      ["Soft-delete every buffer tagged project=demo, without asking", "$0 buffer delete --tag project=demo --force"]
    ]
  })

  all = Option.Boolean("--all", false, { description: "Delete all buffers." })
  force = Option.Boolean("--force", false, { description: "Skip confirmation before deleting multiple buffers." })
  tags = Option.Array("--tag", { description: "Delete all buffers matching tag. Can be specified multiple times." })
  excludeTags = Option.Array("--exclude-tag", {
    description: "Exclude buffers with the given tag. Can be specified multiple times."
  })

  positionals = Option.Rest({ name: "ID" })

  override async execute(): Promise<number> {
    const { bulk } = await import("../../programs/buffer/bulk.ts")
    return this.runBufferProgram(bulk("delete", {
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
