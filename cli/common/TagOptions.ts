import { Option } from "clipanion"

/**
 * The options `tyger buffer set` and `tyger run set` declare with the same name and the same help text (Tyger's run
 * command reuses the buffer's words), declared once. Factories, because clipanion replaces each command instance's
 * fields with their values; only clipanion is loaded, so a command module still loads nothing of the runtime.
 */

export const clearTags = () =>
  Option.Boolean("--clear-tags", false, {
    description:
      "clear all existing tags from the buffer and replace them with the new tags. If not specified, the existing tags are preserved and updated."
  })

export const tags = () =>
  Option.Array("--tag", {
    description: "add or update a key-value tag to the buffer. Can be specified multiple times."
  })

export const eTag = () => Option.String("--etag", { description: "the ETag read ETag to guard against concurrent updates, " })
