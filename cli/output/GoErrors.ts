/**
 * Go's `*fs.PathError` texts (`open x: no such file or directory`) for Node's errors, so file failures read as
 * Tyger's do. Unknown codes keep Node's own message.
 */
const STRERROR: { readonly [code: string]: string } = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EISDIR: "is a directory",
  ENOTDIR: "not a directory",
  EEXIST: "file exists",
  EROFS: "read-only file system",
  ENOSPC: "no space left on device",
  EPIPE: "broken pipe",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long"
}

export const errnoOf = (error: unknown): string | undefined =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

export const pathError = (op: string, path: string, error: unknown): string => {
  const code = errnoOf(error)
  const text = code === undefined ? undefined : STRERROR[code]
  return `${op} ${path}: ${text ?? messageOf(error)}`
}
