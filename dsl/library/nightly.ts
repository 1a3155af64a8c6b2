import * as Run from "../Run.ts"
import { hello } from "./hello.ts"

/** A recurring pipeline: the hello codespec every night at 02:30 Berlin time, never two at once. */
export const nightly = Run.job(hello, {
  name: "nightly-hello",
  buffers: { input: "nightlyinputbuffer000000000" },
  bufferTtl: "7.00:00:00",
  bufferTags: { pipeline: "nightly" },
  timeoutSeconds: 1800,
  schedule: { cron: "30 2 * * *", timeZone: "Europe/Berlin", concurrencyPolicy: "Forbid", startingDeadlineSeconds: 600 }
})
