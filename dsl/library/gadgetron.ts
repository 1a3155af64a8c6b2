import * as Codespec from "../Codespec.ts"
import * as Derived from "../Derived.ts"
import * as Run from "../Run.ts"

/** Tyger's Gadgetron examples (docs/reference/gadgetron), built from one image and one argument shape. */
export const GADGETRON_IMAGE = "ghcr.io/gadgetron/gadgetron/gadgetron_ubuntu_rt_nocuda:latest"

const stream = (config: string, output: string, ...extra: ReadonlyArray<string>) =>
  ["-c", config, "--from_stream", "-i", "$(INPUT_PIPE)", "-o", output, ...extra]

export const basic = Codespec.job({
  name: "gadgetron-basic",
  image: GADGETRON_IMAGE,
  buffers: { inputs: ["input"], outputs: ["output"] },
  args: stream("default.xml", "$(OUTPUT_PIPE)"),
  resources: { requests: { cpu: 1 } }
})

export const noise = Codespec.job({
  name: "gadgetron-noise",
  image: GADGETRON_IMAGE,
  buffers: { inputs: ["input"], outputs: ["noisecovariance"] },
  args: stream("default_measurement_dependencies.xml", "/dev/null",
    "--disable_storage", "true", "--parameter", "noisecovarianceout=$(NOISECOVARIANCE_PIPE)")
})

export const snr = Codespec.job({
  name: "gadgetron-snr",
  image: GADGETRON_IMAGE,
  buffers: { inputs: ["input", "noisecovariance"], outputs: ["output"] },
  args: stream("Generic_Cartesian_FFT.xml", "$(OUTPUT_PIPE)",
    "--disable_storage", "true", "--parameter", "noisecovariancein=$(NOISECOVARIANCE_PIPE)")
})

export const worker = Codespec.worker({
  name: "gadgetron-worker",
  image: GADGETRON_IMAGE,
  args: [],
  endpoints: { gadgetron: 9002 },
  resources: { requests: { cpu: "3000m", memory: "4G" }, limits: { memory: "4G" } }
})

export const distributedJob = Codespec.job({
  name: "gadgetron-distributed",
  image: GADGETRON_IMAGE,
  buffers: { inputs: ["input"], outputs: ["output"] },
  args: stream("CMR_2DT_RTCine_KspaceBinning_Cloud.xml", "$(OUTPUT_PIPE)"),
  env: { GADGETRON_REMOTE_WORKER_COMMAND: "printenv TYGER_GADGETRON_WORKER_ENDPOINT_ADDRESSES" },
  resources: { requests: { cpu: 1 } }
})

export const basicRun = Run.job(basic, { name: "gadgetron-basic" })

/** The guide's two-step pattern: the noise scan's covariance feeds the SNR reconstruction. */
export const noiseRun = Run.job(noise, { name: "gadgetron-noise" })
export const snrRun = Run.job(snr, {
  name: "gadgetron-snr",
  buffers: { noisecovariance: Run.output(noiseRun, "noisecovariance") }
})

export const distributedRun = Run.distributed({
  name: "gadgetron-distributed",
  job: distributedJob,
  worker,
  replicas: 5,
  env: { GADGETRON_WORKER_ADDRESSES: Derived.addresses(worker.endpoints.gadgetron) }
})
