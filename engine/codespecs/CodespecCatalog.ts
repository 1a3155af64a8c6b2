import { Context, Effect, Schema } from "effect"
import type { CodespecRecord } from "../store/CodespecRecord.ts"

/** A named codespec, or the version asked for, that does not exist; the message is Tyger's server's. */
export class CodespecNotFound extends Schema.TaggedError<CodespecNotFound>()("CodespecNotFound", {
  name: Schema.String,
  version: Schema.optionalKey(Schema.Int),
  latest: Schema.optionalKey(Schema.Int)
}) {
  override get message(): string {
    return this.version === undefined || this.latest === undefined
      ? `The codespec '${this.name}' was not found`
      : `The version '${this.version}' of codespec '${this.name}' was not found. The latest version is '${this.latest}'.`
  }
}

/** A resolved reference: the stored codespec version it names. */
export type Resolved = CodespecRecord

/** Resolves named codespec references (`name`, `name/versions/N`) for `compile`; `Codespecs.layer` provides one. */
export class CodespecCatalog extends Context.Service<CodespecCatalog, {
  readonly resolve: (name: string, version: number | undefined) => Effect.Effect<Resolved, CodespecNotFound>
}>()("tyger-ts/engine/CodespecCatalog") {}
