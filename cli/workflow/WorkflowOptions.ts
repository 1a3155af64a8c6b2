import { Option } from "clipanion"
import * as FlagHelp from "../root/FlagHelp.ts"

/** `-o,--output`, which `apply` and `workflow show` declare alike: text for people, JSON for scripts. */
export const output = () => FlagHelp.value("text|json", Option.String("-o,--output", { description: "The output format: 'text' (the default) or 'json'." }))
