// `POST /images/create` answers 200 as soon as the pull starts, so a pull that fails later (unknown tag, registry
// gone mid-way) reports it only as an `error` line in the progress stream: that line must fail the stream.
import { Effect, Stream } from "effect"
import { DockerError } from "../DockerError.ts"
import * as Ndjson from "./Ndjson.ts"
import * as Schemas from "./Schemas.ts"

export const operation = "POST /images/create"

export const failed = (image: string, message: string, refused?: DockerError): DockerError =>
  new DockerError({
    reason: "ImageMissing",
    message: `Could not pull image '${image}': ${message}`,
    operation,
    ...(refused === undefined ? {} : { cause: refused }),
    ...(refused?.status === undefined ? {} : { status: refused.status })
  })

/** The engine's answer body → progress messages; an error line or a refused pull → reason "ImageMissing". */
export const progress = (image: string) =>
<R>(body: Stream.Stream<Uint8Array, DockerError, R>): Stream.Stream<Schemas.PullProgress, DockerError, R> =>
  body.pipe(
    // An engine that cannot be reached stays "Unavailable"; anything it refused (HTTP 404/500) is a failed pull.
    Stream.catchTag("DockerError", (error) =>
      Stream.fail(error.reason === "Unavailable" ? error : failed(image, error.message, error))),
    Ndjson.decode(Schemas.PullProgress, operation),
    Stream.mapEffect((event) =>
      event.error === undefined
        ? Effect.succeed(event)
        : Effect.fail(failed(image, event.errorDetail?.message ?? event.error))
    )
  )
