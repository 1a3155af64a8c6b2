// A two-run pipeline as one Effect program on the local engine (tyger-ts/engine's `local` layer: the Store, buffers
// and runs in ./.tyger, containers on this machine's Docker): a name goes into a buffer, the first run shouts it, the
// second greets what the first wrote, and the greeting is printed. `IMAGE` picks an image with `sh` and `tr`.
//
//   node pipeline.ts world          →  Hello WORLD
import { Effect } from "effect"
import process from "node:process"
import { Codespec, Run } from "tyger-ts"
import { Buffers, BufferWriter, local, Runs } from "tyger-ts/engine"

const image = process.env["IMAGE"] ?? "busybox"
const oneInOneOut = { inputs: ["input"], outputs: ["output"] } as const

const shout = Codespec.job({
  image,
  buffers: oneInOneOut,
  command: ["sh", "-c", 'tr a-z A-Z < "$INPUT_PIPE" > "$OUTPUT_PIPE"']
})
const greet = Codespec.job({
  image,
  buffers: oneInOneOut,
  command: ["sh", "-c", 'printf "Hello %s" "$(cat "$INPUT_PIPE")" > "$OUTPUT_PIPE"']
})

const pipeline = (name: string) =>
  Effect.gen(function*() {
    const buffers = yield* Buffers
    const input = yield* buffers.create({})
    const bytes = new TextEncoder().encode(name)
    yield* buffers.write(yield* buffers.open({ _tag: "BufferId", id: input.id }, "write"), BufferWriter.fromIterable([bytes]))

    // `runs.run` waits until the run is final: the run's monitor lives in this program, which must not end before
    // its runs do. A run that does not succeed fails the program with RunFailedError, the last lines of its logs in
    // its message. The buffers are typed by the codespec's outputs: `.output` needs no cast.
    const runs = yield* Runs
    const shouted = yield* runs.run(Run.job(shout, { buffers: { input: input.id } }))
    // The second run reads the first one's output buffer, created with it.
    const greeted = yield* runs.run(Run.job(greet, { buffers: { input: shouted.buffers.output } }))
    return new TextDecoder().decode(yield* buffers.readAll(greeted.buffers.output))
  })

const greetingText = await Effect.runPromise(
  pipeline(process.argv[2] ?? "world").pipe(Effect.provide(local({ dataDir: process.env["TYGER_TS_DATA_DIR"] ?? ".tyger" })))
)
console.log(greetingText)
