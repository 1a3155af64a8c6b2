import * as Codespec from "../Codespec.ts"
import * as Run from "../Run.ts"

export const FFMPEG_IMAGE = "quay.io/linuxserver.io/ffmpeg"

/** The codespecs guide's `negatingcodespec`: a video in, its negative out (as NUT). */
export const negate = Codespec.job({
  name: "negatingcodespec",
  image: FFMPEG_IMAGE,
  buffers: { inputs: ["input"], outputs: ["output"] },
  args: ["-i", "$(INPUT_PIPE)", "-vf", "negate", "-f", "nut", "-y", "$(OUTPUT_PIPE)"]
})

export const negateRun = Run.job(negate, { name: "negate", bufferTags: { media: "video" } })
