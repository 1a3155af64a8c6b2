import { Option } from "clipanion"

/** `-o,--output`, which `apply` and `workflow show` declare alike: text for people, JSON for scripts. */
export const output = () => Option.String("-o,--output", { description: "The output format: 'text' (the default) or 'json'." })
