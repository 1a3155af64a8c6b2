import { createHash } from "node:crypto"
import { makeId } from "../../engine/store/BufferRecord.ts"

/**
 * Buffer ids of the buffers a Kubernetes deployment creates, as pure functions of where they belong. Tyger draws ids
 * at random when its server creates a buffer; here nothing runs between `pulumi up` and the pods, so an id must be
 * known to the manifests (the Secret's URL, a consumer's `runOutput`), to the pod that creates the buffer, and to the
 * user who looks for it, without anyone storing it. Same 26-character base32 form as Tyger's ids.
 */
const idOf = (...parts: ReadonlyArray<string>): string =>
  makeId(createHash("sha256").update(parts.join("\0")).digest().subarray(0, 16))

/** The buffer of a one-off run's `create` parameter. */
export const runBufferId = (namespace: string, run: string, parameter: string): string =>
  idOf("tyger-ts/run-buffer/v1", namespace, run, parameter)

/**
 * The buffer of one execution of a scheduled run: `job` is the Job the CronJob created for that execution
 * (`<cronjob>-<minutes since the epoch>`), so execution N's buffers follow from its Job's name.
 */
export const executionBufferId = (namespace: string, job: string, parameter: string): string =>
  idOf("tyger-ts/execution-buffer/v1", namespace, job, parameter)
