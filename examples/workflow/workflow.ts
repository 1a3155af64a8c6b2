// A workflow module: `tyger plan workflow.ts` (or `compile(Workflow.fromModule(...))`) turns every exported run into
// a run named after its export (`snrReport` → `snr-report`).
import { Run } from "tyger-ts"
import { Hello } from "tyger-ts/library"
import { denoiseWith, snr } from "@example/imaging-codespecs"

/** Denoises a new (auto-created) `noisy` buffer with the library's configured codespec. */
export const cleaned = Run.job(denoiseWith({ strength: 3 }), { bufferTags: { study: "phantom" } })

/** Reads what `cleaned` writes to `clean`: the plan creates `cleaned` first. */
export const snrReport = Run.job(snr, { buffers: { image: Run.output(cleaned, "clean") }, timeoutSeconds: 600 })

/** A codespec tyger-ts ships. */
export const greeting = Run.job(Hello.hello, { tags: { guide: "consumer" } })
