// Mistakes the DSL's types catch: `tsc -p .` passes only while each line below an `@ts-expect-error` is an error.
// Each mistake is on one line so that the error is reported there.
import { Effect } from "effect"
import { Codespec, Run } from "tyger-ts"
import { Runs } from "tyger-ts/engine"
import { denoise, snr } from "@example/imaging-codespecs"

const cleaned = Run.job(denoise)

// @ts-expect-error "noisey" is not a buffer parameter of denoise (only "noisy" and "clean" are)
export const typo = Run.job(denoise, { buffers: { noisey: "buffer-id" } })

// @ts-expect-error worker codespecs take no buffers, only endpoints
export const bufferedWorker = Codespec.worker({ name: "w", image: "busybox", buffers: { inputs: ["in"] } })

// @ts-expect-error denoise produces "clean", not "report"
export const wrongOutput = Run.job(snr, { buffers: { image: Run.output(cleaned, "report") } })

// @ts-expect-error a created run's buffers are typed by its outputs: denoise has "clean", not "report"
export const wrongBuffer = Effect.map(Runs.use((runs) => runs.create(cleaned)), (record) => record.buffers.report)
