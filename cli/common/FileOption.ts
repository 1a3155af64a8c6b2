import { Option } from "clipanion"

/**
 * `-f,--file`, which `tyger codespec create`, `tyger run create` and `tyger run exec` declare with the same help text
 * (Tyger's codespec command reuses the run's words, "run specification" included), declared once.
 */
export const file = () =>
  Option.String("-f,--file", {
    description: "A YAML file with the run specification. All other flags override the values in the file."
  })
