import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

/**
 * The flags `tyger buffer set` and `tyger run set` share, with the same names and help text (Tyger's run command
 * reuses the buffer's words), declared once; each command adds what is its own.
 */
export abstract class TagSetFlags extends BaseCommand {
  clearTags = Option.Boolean("--clear-tags", false, {
    description:
      "clear all existing tags from the buffer and replace them with the new tags. If not specified, the existing tags are preserved and updated."
  })
  tags = FlagHelp.value("KEY=VALUE", Option.Array("--tag", {
    description: "add or update a key-value tag to the buffer. Can be specified multiple times."
  }))
  eTag = Option.String("--etag", { description: "the ETag read ETag to guard against concurrent updates, " })
}
