import * as Codespec from "../Codespec.ts"
import * as Run from "../Run.ts"

/** The runs guide's `hello.yml`: reads a name from its input buffer and greets it. */
export const hello = Codespec.job({
  name: "hello",
  image: "ubuntu",
  buffers: { inputs: ["input"], outputs: ["output"] },
  command: ["bash", "-c", 'set -euo pipefail\ninp=$(cat "$INPUT_PIPE")\necho "Hello ${inp}" > "$OUTPUT_PIPE"\n']
})

export const helloRun = Run.job(hello, { name: "hello", tags: { guide: "runs" } })
