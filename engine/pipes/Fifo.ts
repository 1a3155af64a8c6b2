// Named pipes between a program and the process that feeds or drains them (the Docker monitor's pumps, the Kubernetes
// buffer sidecar). A blocking open(2) of a FIFO waits for the other end, cannot be cancelled, and on Node and Bun holds
// one of the four libuv threadpool threads while it waits; a program may also never open its end, or exit while our
// open waits. Hence the helpers here: waiting for the other end with non-blocking opens polled at `pollDelay`, and
// waking an open of ours still blocked once the program is gone by opening and closing the other end ourselves
// (`wakeOpens`, `unblockable`). `gone` is the Latch opened once the program can no longer open its end.
import { execFile } from "node:child_process"
import * as Fs from "node:fs"
import type { Latch } from "./Latch.ts"

export const { O_RDONLY, O_WRONLY, O_NONBLOCK } = Fs.constants

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
 * Once `start` resolves, and until the returned function is called, opens and closes the other end (`otherEnd`:
 * O_RDONLY or O_WRONLY) every 20 ms, which makes an open(2) of ours still waiting for that end return.
 */
export const wakeOpens = (path: string, otherEnd: number, start: Promise<unknown>): () => void => {
  let stopped = false
  void start.then(async () => {
    while (!stopped) {
      try {
        Fs.closeSync(Fs.openSync(path, otherEnd | O_NONBLOCK))
      } catch {
        // ENXIO: nobody waits on our side any more, or the FIFO is gone with the run's directory.
      }
      await sleep(20)
    }
  })
  return () => void (stopped = true)
}

/**
 * Runs `blocking` (an open(2) that may wait for the other end); once any of `triggers` is open and for as long as it
 * has not returned, the other end is opened and closed every 20 ms, which makes it return.
 */
export const unblockable = async <A>(path: string, otherEnd: number, triggers: ReadonlyArray<Latch>, blocking: Promise<A>): Promise<A> => {
  const stop = wakeOpens(path, otherEnd, Promise.race(triggers.map((t) => t.promise)))
  try {
    return await blocking
  } finally {
    stop()
  }
}

/**
 * A non-blocking descriptor for writing, once the program has opened the FIFO for reading (polled: ENXIO until
 * then), or `undefined` once `gone` is open without it having done so.
 */
export const openWhenRead = async (path: string, gone: Latch): Promise<number | undefined> => {
  for (let attempt = 0;; attempt++) {
    try {
      return Fs.openSync(path, O_WRONLY | O_NONBLOCK)
    } catch (error) {
      if (errno(error) !== "ENXIO") throw error
    }
    if (gone.done) return undefined
    await Promise.race([sleep(pollDelay(attempt)), gone.promise])
  }
}

/** Creates the FIFOs (mode 0666 whatever the umask: the program may run as any user). */
export const make = (paths: ReadonlyArray<string>): Promise<void> =>
  paths.length === 0 ? Promise.resolve() : new Promise((resolve, reject) =>
    execFile("mkfifo", ["-m", "0666", "--", ...paths], (error, _stdout, stderr) =>
      error === null ? resolve() : reject(new Error(`mkfifo failed: ${stderr.trim() || error.message}`))))
