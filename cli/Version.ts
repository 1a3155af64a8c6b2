import packageJson from "../package.json" with { type: "json" }

/** The package version, which `tyger --version` prints (Tyger prints its build's commit there). */
export const VERSION: string = packageJson.version
