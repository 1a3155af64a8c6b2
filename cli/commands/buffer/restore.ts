import { Option } from "clipanion"
import { BaseCommand } from "../../BaseCommand.ts"

export class BufferRestoreCommand extends BaseCommand {
  static override paths = [["buffer", "restore"], ["buffers", "restore"]]

  static override usage = BaseCommand.Usage({
    category: "Buffers",
    description: "Restore deleted buffers",
    details: "Restore deleted buffers. Give buffer IDs, or select buffers with `--tag` (and `--exclude-tag`), or `--all`.",
    examples: [
      ["Restore a soft-deleted buffer", "$0 buffer restore yf4sx2aqzitepjhmxjhanomn5e"],
      ["Restore every soft-deleted buffer tagged project=demo, without asking", "$0 buffer restore --tag project=demo --force"]
    ]
  })

  all = Option.Boolean("--all", false, { description: "Restore all deleted buffers." })
  force = Option.Boolean("--force", false, { description: "Skip confirmation before restoring multiple buffers." })
  tags = Option.Array("--tag", { description: "Restore all deleted buffers matching tag. Can be specified multiple times." })
  excludeTags = Option.Array("--exclude-tag", {
    description: "Exclude buffers with the given tag. Can be specified multiple times."
  })

  positionals = Option.Rest({ name: "ID" })

  override async execute(): Promise<number> {
    const { bulk } = await import("../../programs/buffer/bulk.ts")
    return this.runBufferProgram(bulk("restore", {
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
