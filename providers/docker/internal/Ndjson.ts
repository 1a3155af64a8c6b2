// Newline-delimited JSON bodies (image pull progress, events): one JSON document per line, decoded by a schema.
import { Effect, Schema, Stream } from "effect"
import { DockerError } from "../DockerError.ts"

export const decode = <S extends Schema.Decoder<unknown>>(schema: S, operation: string) => {
  const decodeLine = Schema.decodeUnknownEffect(Schema.fromJsonString(schema))
  return <E, R>(bytes: Stream.Stream<Uint8Array, E, R>): Stream.Stream<S["Type"], E | DockerError, R> =>
    bytes.pipe(
      Stream.decodeText,
      Stream.splitLines,
      Stream.filter((line) => line.trim() !== ""),
      Stream.mapEffect((line) =>
        (decodeLine(line) as Effect.Effect<S["Type"], Schema.SchemaError>).pipe(
          Effect.mapError((cause) =>
            new DockerError({
              reason: "Unknown",
              message: `Unexpected line from the Docker engine in ${operation}: ${line.slice(0, 200)}`,
              operation,
              cause
            })
          )
        )
      )
    )
}
