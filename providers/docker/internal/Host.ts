// DOCKER_HOST → where to connect. Only unix sockets: a tcp:// engine usually needs TLS client certificates
// (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) and ssh:// needs an ssh client, neither of which tyger-ts carries.

export const defaultSocketPath = "/var/run/docker.sock"

export type Endpoint =
  | { readonly _tag: "Unix"; readonly socketPath: string; readonly host: string }
  | { readonly _tag: "Unsupported"; readonly host: string; readonly message: string }

/** `undefined` or empty (DOCKER_HOST unset) → the default socket. */
export const parseHost = (host: string | undefined): Endpoint => {
  const value = host?.trim() ?? ""
  if (value === "") return { _tag: "Unix", socketPath: defaultSocketPath, host: `unix://${defaultSocketPath}` }
  if (value.startsWith("unix://")) {
    const socketPath = value.slice("unix://".length)
    if (socketPath.startsWith("/")) return { _tag: "Unix", socketPath, host: value }
    return {
      _tag: "Unsupported",
      host: value,
      message: `DOCKER_HOST=${value} is not a unix socket URL with an absolute path (expected unix:///path/to/docker.sock)`
    }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase()
  return {
    _tag: "Unsupported",
    host: value,
    message: scheme === undefined
      ? `DOCKER_HOST=${value} is not a URL; tyger-ts expects unix:///path/to/docker.sock (unset it for ${defaultSocketPath})`
      : `DOCKER_HOST=${value}: tyger-ts talks to the Docker engine over a unix socket only, not ${scheme}://. ` +
        `Unset DOCKER_HOST to use ${defaultSocketPath}, or set it to unix:///path/to/docker.sock ` +
        `(for a remote engine, forward its socket, e.g. ssh -L /tmp/docker.sock:/var/run/docker.sock host)`
  }
}
