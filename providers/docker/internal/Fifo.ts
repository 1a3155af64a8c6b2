// The host ends of a run's named pipes. The monitor writes each input buffer into its FIFO and reads each output
// FIFO into its buffer, while the program inside the container opens the other ends whenever it likes — or never.
//
// Waiting for the program without holding threads: a blocking open(2) of a FIFO waits for the other end, and on
// Node and Bun every pending fs call holds one of the four libuv threadpool threads (Deno uses a large blocking
// pool). Four pumps blocked in open would starve every other file operation of the process, blob writes included.
// So the waiting is done with O_NONBLOCK: an input end polls `open(O_WRONLY|O_NONBLOCK)` (ENXIO until the program
// has opened its read end); an output end opens `O_RDONLY|O_NONBLOCK` at once (so the program's open never waits)
// and polls reads (EAGAIN = the program has opened it, 0 before that). Only then is a blocking descriptor opened for
// the transfer, whose reads and writes block off the event loop as pipes should (a non-blocking transfer would have
// to sleep on EAGAIN, which caps a 64 KiB pipe at tens of MB/s); the non-blocking descriptor stays open next to it,
// so data that is ready moves at once without a round trip to the pool. A pump holds at most one pool thread, and
// only while the program is slower than the pump; processes hosting many runs' pumps should still raise
// UV_THREADPOOL_SIZE. When the buffer writer can use a reading thread of its own (BufferWriter.fromFile's `blocks`),
// an output pipe is read by that thread instead: blocking open and reads, hashing left to the writer's pool.
//
// Programs that never open a pipe ("pipes not touched" in Tyger's tests) and programs that exit while a blocking
// open waits are handled through `gone`: once the program cannot open its ends any more, polling stops, and a
// blocking open still waiting (the other end left between the poll and the open) is woken by opening and closing
// the other end ourselves, repeatedly until it has returned.
// The waiting, polling and waking are engine/pipes' (shared with the Kubernetes buffer sidecar); the Latch and mkfifo
// are re-exported so that the Docker provider sees one module for its pipes.
export { make } from "../../../engine/pipes/Fifo.ts"
export { Latch } from "../../../engine/pipes/Latch.ts"
export * from "./FifoShared.ts"
export { type PipeReader, reader } from "./FifoReader.ts"
export { type PipeWriter, writer } from "./FifoWriter.ts"
