// Regenerating golden files: the flow both update-golden scripts share (argument check, write only what changed).
import * as fs from "node:fs"
import process from "node:process"

export interface Goldens<N extends string> {
  readonly known: ReadonlyArray<N>
  readonly dir: string
  readonly pathOf: (name: N) => string
  readonly render: (name: N) => Promise<string>
}

/** Rewrites the golden files of the modules named on the command line (all when none), printing what changed. */
export const update = async <N extends string>(goldens: Goldens<N>): Promise<void> => {
  const requested = process.argv.slice(2)
  const isKnown = (name: string): name is N => (goldens.known as ReadonlyArray<string>).includes(name)
  const unknown = requested.filter((name) => !isKnown(name))
  if (unknown.length > 0) {
    console.error(`update-golden: unknown module(s) ${unknown.join(", ")}; known: ${goldens.known.join(", ")}`)
    process.exit(2)
  }
  const names = requested.length === 0 ? goldens.known : requested.filter(isKnown)
  fs.mkdirSync(goldens.dir, { recursive: true })
  for (const name of names) {
    const file = goldens.pathOf(name)
    const next = await goldens.render(name)
    const previous = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined
    if (previous === next) {
      console.log(`unchanged ${file}`)
    } else {
      fs.writeFileSync(file, next)
      console.log(`${previous === undefined ? "created" : "updated"} ${file}`)
    }
  }
}
