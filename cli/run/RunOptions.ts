import { Option } from "clipanion"
import * as FlagHelp from "../root/FlagHelp.ts"

/**
 * The options several `tyger run …` commands declare with the same name and the same help text, declared once.
 * Factories, because clipanion replaces each command instance's fields with their values; only clipanion is loaded.
 * Flags Tyger words differently per command (`--since` of `run logs`, `--tag` of `run create`) stay in their commands.
 */

/** The run a command acts on; the program checks there is exactly one. */
export const id = () => Option.Rest({ name: "ID" })

/** `run list|counts`. */
export const since = () =>
  FlagHelp.value("DATE/TIME", Option.String("-s,--since", {
    description: "Results before this datetime (specified in local time) are not included"
  }))

/** `run list|counts`. */
export const tagFilter = () =>
  FlagHelp.value("KEY=VALUE", Option.Array("--tag", { description: "Only include runs with the given tag. Can be specified multiple times." }))
