import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"
import * as Options from "./BufferOptions.ts"
import type { BulkOperation } from "../../engine/buffers/Buffers.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

/** How `delete`, `restore` and `purge` word their flags. */
export interface BulkWording {
  /** "Delete" */
  readonly verb: string
  /** "deleting" */
  readonly gerund: string
  /** What they act on: "buffers", "deleted buffers". */
  readonly subject: string
}

/**
 * The flags and program of `tyger buffer delete|restore|purge`, which differ only in their operation and wording;
 * each command adds its paths and usage.
 */
export const bulkCommand = (operation: BulkOperation, wording: BulkWording) =>
  class extends BaseCommand {
    all = Option.Boolean("--all", false, { description: `${wording.verb} all ${wording.subject}.` })
    force = Option.Boolean("--force", false, {
      description: `Skip confirmation before ${wording.gerund} multiple buffers.`
    })
    tags = FlagHelp.value("KEY=VALUE", Option.Array("--tag", {
      description: `${wording.verb} all ${wording.subject} matching tag. Can be specified multiple times.`
    }))
    excludeTags = Options.excludeTags()

    positionals = Option.Rest({ name: "ID" })

    override async execute(): Promise<number> {
      const { bulk } = await import("./bulk.program.ts")
      return this.runBufferProgram(bulk(operation, this, this.context))
    }
  }

/** What {@link bulkCommand} makes, for the program to take its flags. */
export type BulkCommand = InstanceType<ReturnType<typeof bulkCommand>>
