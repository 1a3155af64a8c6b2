import { Option } from "clipanion"
import * as FlagHelp from "../root/FlagHelp.ts"

/**
 * The options several `tyger buffer …` commands declare with the same name and the same help text, declared once.
 * Factories, because clipanion replaces each command instance's fields with their values. Only clipanion is loaded,
 * so a command module still loads nothing of the runtime. Flags Tyger words differently per command (`--tag`) stay
 * in their commands.
 */

/** `{ BUFFER_ID | BUFFER_SAS_URL | FILE_WITH_SAS_URL }` of `buffer read|write`. */
export const target = () => Option.Rest({ name: "BUFFER_ID | BUFFER_SAS_URL | FILE_WITH_SAS_URL" })

export const dop = () => Option.String("-p,--dop", { description: "The degree of parallelism" })

/** Hidden in Tyger too: the lifetime of the access URL a buffer id is turned into. */
export const accessTtl = () => Option.String("--access-ttl", { hidden: true })

export const output = () =>
  FlagHelp.value("FILE", Option.String("-o,--output", {
    description: "The file write to. If not specified, data is written to standard out."
  }))

export const ttl = () =>
  FlagHelp.value("D.HH:MM:SS", Option.String("--ttl", {
    description: "the time-to-live for the buffer. This adjusts the buffer's expiry time for deletion."
  }))

export const softDeleted = () =>
  Option.Boolean("--soft-deleted", false, { description: "Only include soft-deleted buffers." })

export const excludeTags = () =>
  FlagHelp.value("KEY=VALUE", Option.Array("--exclude-tag", {
    description: "Exclude buffers with the given tag. Can be specified multiple times."
  }))
