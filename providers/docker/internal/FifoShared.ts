// What both host ends of a run's pipes share (see Fifo.ts): why an end stopped. The FIFO primitives themselves
// (polling, waking a blocking open, the latch) are engine/pipes'.

/** Why a pipe end stopped without an error of its own. */
export type Ended =
  /** The program exited (or the run stopped) without ever opening its end. */
  | "NeverOpened"
  /** The program closed its read end while data was still being written (EPIPE). */
  | "PeerClosed"
  /** The run stopped while the pipe was in use. */
  | "Stopped"

export class PipeEnded extends Error {
  readonly ended: Ended
  constructor(ended: Ended, path: string) {
    super(ended === "PeerClosed" ? `${path}: the program closed the pipe` : `${path}: ${ended}`)
    this.ended = ended
  }
}

/** The program exited non-zero or was stopped: its output must not be recorded as complete. */
export class ProgramFailed extends Error {}
