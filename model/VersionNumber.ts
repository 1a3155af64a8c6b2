// No imports: the CLI's command classes use this before anything else is loaded (see cli/run/CreateFlags.ts).

const INT32_MAX = 2 ** 31 - 1

/**
 * Tyger's server reads a codespec reference's version as an int32: a version past it is refused with this message
 * (the store could not even represent the number). Undefined for a version that fits.
 */
export const versionProblem = (name: string, version: string): string | undefined => {
  const digits = version.replace(/^0+/, "")
  return digits.length <= 10 && Number(digits || "0") <= INT32_MAX
    ? undefined
    : `The codespec reference '${name}/versions/${version}' is invalid. The version number '${version}' is not a valid integer.`
}
