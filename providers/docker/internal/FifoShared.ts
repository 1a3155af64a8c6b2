// What both ends of a run's pipes share: signals, errors, polling, and waking a blocking open (see fifo.ts).
import { execFile } from "node:child_process"
import * as Fs from "node:fs"

export const { O_RDONLY, O_WRONLY, O_NONBLOCK } = Fs.constants

/** A one-shot signal: `open()` once, observed by promise or flag. */
export class Latch {
  done = false
  readonly promise: Promise<void>
  private release!: () => void
  constructor() {
    this.promise = new Promise<void>((resolve) => (this.release = resolve))
  }
  open(): void {
    this.done = true
    this.release()
  }
}

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

export const errno = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined

export const sleep = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis))

// 1 ms doubling to 10 ms keeps the latency of a program that opens its pipe at once low; a program that waits long
// before opening costs 10 polls a second, then 4 after the first minute.
export const pollDelay = (attempt: number) => (attempt < 4 ? 2 ** attempt : attempt < 6_000 ? 10 : 250)

export const settle = <A>(register: (callback: (error: NodeJS.ErrnoException | null, value: A) => void) => void) =>
  new Promise<A>((resolve, reject) => register((error, value) => (error === null ? resolve(value) : reject(error))))

export const openAsync = (path: string, flags: number) => settle<number>((cb) => Fs.open(path, flags, cb))
export const closeQuietly = (fd: number) => Fs.close(fd, () => undefined)

/**
 * Runs `blocking` (an open(2) that may wait for the other end); once any of `triggers` is open and for as long as it
 * has not returned, the other end is opened and closed every 20 ms, which makes it return.
 */
export const unblockable = async <A>(path: string, otherEnd: number, triggers: ReadonlyArray<Latch>, blocking: Promise<A>): Promise<A> => {
  let settled = false
  void Promise.race(triggers.map((t) => t.promise)).then(async () => {
    while (!settled) {
      try {
        Fs.closeSync(Fs.openSync(path, otherEnd | O_NONBLOCK))
      } catch {
        // ENXIO: nobody waits on our side any more, or the FIFO is gone with the run's directory.
      }
      await sleep(20)
    }
  })
  try {
    return await blocking
  } finally {
    settled = true
  }
}

/** Creates the FIFOs (mode 0666 whatever the umask: the program may run as any user). */
export const make = (paths: ReadonlyArray<string>): Promise<void> =>
  paths.length === 0 ? Promise.resolve() : new Promise((resolve, reject) =>
    execFile("mkfifo", ["-m", "0666", "--", ...paths], (error, _stdout, stderr) =>
      error === null ? resolve() : reject(new Error(`mkfifo failed: ${stderr.trim() || error.message}`))))
