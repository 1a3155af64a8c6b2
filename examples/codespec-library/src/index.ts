/**
 * `@example/imaging-codespecs`: a codespec library built on `tyger-ts` the way another team would publish one.
 * Every export is a typed codespec, so `Run.job(denoise, { buffers: { ... } })` accepts only `noisy` and `clean`.
 *
 * @example
 * ```ts
 * import { Run } from "tyger-ts"
 * import { denoise, snr } from "@example/imaging-codespecs"
 *
 * export const cleaned = Run.job(denoise, { buffers: { noisy: "<buffer id>" } })
 * export const report = Run.job(snr, { buffers: { image: Run.output(cleaned, "clean") } })
 * ```
 * @module
 */
import { Codespec } from "tyger-ts"

export const IMAGE = "ghcr.io/example/imaging:1.4.2"

/** Removes noise from an image stream. */
export const denoise = Codespec.job({
  name: "denoise",
  image: IMAGE,
  buffers: { inputs: ["noisy"], outputs: ["clean"] },
  args: ["denoise", "--in", "$(NOISY_PIPE)", "--out", "$(CLEAN_PIPE)"],
  resources: { requests: { cpu: 1, memory: "2Gi" } }
})

/** Measures the signal-to-noise ratio of an image stream and writes a JSON report. */
export const snr = Codespec.job({
  name: "snr",
  image: IMAGE,
  buffers: { inputs: ["image"], outputs: ["report"] },
  args: ["snr", "--in", "$(IMAGE_PIPE)", "--report", "$(REPORT_PIPE)"]
})

/** Reconstruction workers a coordinator job reaches on their `recon` endpoint. */
export const reconWorker = Codespec.worker({
  name: "recon-worker",
  image: IMAGE,
  args: ["serve", "--port", "7070"],
  endpoints: { recon: 7070 },
  resources: { requests: { cpu: 2, memory: "4Gi" }, limits: { memory: "4Gi" } }
})

export interface DenoiseOptions {
  /** Filter strength, 1 (light) to 10 (strong). */
  readonly strength: number
  /** Image tag to run. @default the tag of {@link IMAGE} */
  readonly tag?: string
}

/**
 * A denoise codespec with its own name and strength: still a `Job<"noisy", "clean">`, so runs of it type-check the
 * same way as runs of {@link denoise}.
 */
export const denoiseWith = (options: DenoiseOptions): Codespec.Job<"noisy", "clean"> =>
  Codespec.with(denoise, {
    name: `denoise-s${options.strength}`,
    image: options.tag === undefined ? IMAGE : IMAGE.replace(/:[^:]*$/, `:${options.tag}`),
    args: ["denoise", "--strength", String(options.strength), "--in", "$(NOISY_PIPE)", "--out", "$(CLEAN_PIPE)"]
  })
