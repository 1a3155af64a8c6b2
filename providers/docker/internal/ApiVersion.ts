// Engine API version negotiation, as the docker CLI does it: speak the highest version both sides know.
//
// 1.40 is the oldest API with HostConfig.DeviceRequests (GPUs). The newest we speak is 1.47: every request and
// response field this client uses is unchanged from 1.41 through 1.47, and Docker 29 refuses clients older than
// 1.44, so the ceiling must sit above that for current engines to accept us.

export const minimum = "1.40"
export const maximum = "1.47"

const parts = (version: string): ReadonlyArray<number> | undefined => {
  const match = /^(\d+)\.(\d+)$/.exec(version.trim())
  return match === null ? undefined : [Number(match[1]), Number(match[2])]
}

/** Numeric comparison ("1.9" < "1.41"); undefined when either is not `major.minor`. */
export const compare = (a: string, b: string): number | undefined => {
  const x = parts(a)
  const y = parts(b)
  if (x === undefined || y === undefined) return undefined
  return (x[0]! - y[0]!) || (x[1]! - y[1]!)
}

export type Negotiated =
  | { readonly _tag: "Ok"; readonly version: string }
  | { readonly _tag: "Incompatible"; readonly message: string }

export const negotiate = (server: { readonly ApiVersion: string; readonly MinAPIVersion?: string | undefined }): Negotiated => {
  const serverMax = server.ApiVersion
  const order = compare(serverMax, maximum)
  if (order === undefined) {
    return { _tag: "Incompatible", message: `the Docker engine reported an unreadable API version '${serverMax}'` }
  }
  const version = order < 0 ? serverMax : maximum
  if ((compare(version, minimum) ?? -1) < 0) {
    return {
      _tag: "Incompatible",
      message: `the Docker engine speaks API ${serverMax}; tyger-ts needs API ${minimum} or later (Docker 19.03+)`
    }
  }
  const serverMin = server.MinAPIVersion
  if (serverMin !== undefined && (compare(version, serverMin) ?? 0) < 0) {
    return {
      _tag: "Incompatible",
      message: `the Docker engine requires API ${serverMin} or later; tyger-ts speaks at most API ${maximum}`
    }
  }
  return { _tag: "Ok", version }
}
