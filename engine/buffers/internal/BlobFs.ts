// Promise wrappers over node:fs callbacks (not fs/promises: no FileHandle objects to leak or finalize, and the same
// code paths behave alike under Node, Bun and Deno), plus the errno helpers the local blob store needs.
import * as Fs from "node:fs"

const settle = <A>(register: (callback: (error: NodeJS.ErrnoException | null, value: A) => void) => void) =>
  new Promise<A>((resolve, reject) => register((error, value) => (error === null ? resolve(value) : reject(error))))

export const open = (path: string, flags: string, mode?: number): Promise<number> =>
  settle((cb) => Fs.open(path, flags, mode ?? 0o666, cb))

export const close = (fd: number): Promise<void> => settle<void>((cb) => Fs.close(fd, (error) => cb(error, undefined)))

export const fstat = (fd: number): Promise<Fs.Stats> => settle((cb) => Fs.fstat(fd, cb))

export const stat = (path: string): Promise<Fs.Stats> => settle((cb) => Fs.stat(path, cb))

export const read = (fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null) =>
  settle<number>((cb) => Fs.read(fd, buffer, offset, length, position, cb))

export const write = (fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null) =>
  settle<number>((cb) => Fs.write(fd, buffer, offset, length, position, cb))

export const fdatasync = (fd: number): Promise<void> =>
  settle<void>((cb) => Fs.fdatasync(fd, (error) => cb(error, undefined)))

export const fsync = (fd: number): Promise<void> => settle<void>((cb) => Fs.fsync(fd, (error) => cb(error, undefined)))

export const link = (existing: string, created: string): Promise<void> =>
  settle<void>((cb) => Fs.link(existing, created, (error) => cb(error, undefined)))

export const unlink = (path: string): Promise<void> =>
  settle<void>((cb) => Fs.unlink(path, (error) => cb(error, undefined)))

export const mkdir = (path: string, options: Fs.MakeDirectoryOptions = {}): Promise<void> =>
  settle<void>((cb) => Fs.mkdir(path, options, (error) => cb(error, undefined)))

export const chmod = (path: string, mode: number): Promise<void> =>
  settle<void>((cb) => Fs.chmod(path, mode, (error) => cb(error, undefined)))

export const rm = (path: string): Promise<void> =>
  settle<void>((cb) => Fs.rm(path, { recursive: true }, (error) => cb(error, undefined)))

export const readFile = (path: string): Promise<Uint8Array> => settle((cb) => Fs.readFile(path, cb))

/** Reads exactly `length` bytes at `position` (regular files return short counts only at EOF). */
export const readFully = async (fd: number, buffer: Uint8Array, position: number): Promise<number> => {
  let done = 0
  while (done < buffer.length) {
    const n = await read(fd, buffer, done, buffer.length - done, position + done)
    if (n === 0) break
    done += n
  }
  return done
}

export const writeFully = async (fd: number, buffer: Uint8Array, position: number): Promise<void> => {
  let done = 0
  while (done < buffer.length) done += await write(fd, buffer, done, buffer.length - done, position + done)
}

export const errno = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined

export const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** Resolves `undefined` instead of rejecting with ENOENT. */
export const ifExists = <A>(promise: Promise<A>): Promise<A | undefined> =>
  promise.catch((error: unknown) => {
    if (errno(error) === "ENOENT") return undefined
    throw error
  })

export const ignoreErrors = (promise: Promise<unknown>): Promise<void> => promise.then(() => undefined, () => undefined)
