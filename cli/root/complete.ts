import * as Fs from "node:fs"
import { Writable } from "node:stream"
import { BaseCommand } from "../BaseCommand.ts"
import * as Candidates from "./Candidates.ts"

/** Swallows what it is given: a completion writes candidates and nothing else, errors included. */
const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() })

/**
 * `tyger __complete <words…>`, hidden (no usage): what the completion scripts call. The words are the command line
 * after `tyger`, the last one the word being completed; TygerCli hands them over as typed (`context.argv`), unparsed,
 * since they are usually an unfinished command. Prints the candidates, then `:files` or `:nofiles`
 * (CompletionScripts). Exits 0 whatever happens.
 */
export class CompleteCommand extends BaseCommand {
  static override paths = [["__complete"]]

  override async execute(): Promise<number> {
    const tree = this.context.commands?.()
    const words = (this.context.argv ?? []).slice(1)
    if (tree === undefined || words.length === 0) {
      this.context.stdout.write(":nofiles\n")
      return 0
    }
    const completion = Candidates.complete(tree, words)
    this.context.stdout.write(completion.candidates.map((c) => c.description === "" ? `${c.value}\n` : `${c.value}\t${c.description}\n`).join(""))
    if (completion.stored !== undefined) await this.storedNames(completion)
    this.context.stdout.write(completion.files ? ":files\n" : ":nofiles\n")
    return 0
  }

  /** Names from the store, if it exists: a completion never creates a data directory. */
  private async storedNames(completion: Candidates.Completion): Promise<void> {
    try {
      const [Configuration, DataDir] = await Promise.all([import("../Configuration.ts"), import("../../engine/store/DataDir.ts")])
      const environment = { stdout: this.context.stdout, stderr: discard(), env: this.context.env, cwd: this.context.cwd ?? process.cwd() }
      const dataDir = completion.dataDir ?? this.dataDir
      const config = Configuration.readConfig(environment, { logLevel: "error", logFormat: undefined, proxy: undefined, dataDir })
      if (config._tag !== "Success" || config.success.dataDir === undefined) return
      if (!Fs.existsSync(DataDir.databasePath(config.success.dataDir))) return
      const { storedNames } = await import("./complete.program.ts")
      this.context = { ...this.context, stderr: environment.stderr }
      this.logLevel = "error"
      this.dataDir = config.success.dataDir
      await this.runProgram(storedNames(completion.stored!, completion.prefix))
    } catch {
      // Nothing to offer.
    }
  }
}
