import { Context, Effect, Schema } from "effect"
import type * as CodespecDocument from "../../model/CodespecDocument.ts"

/** Resolves named codespec references (`name`, `name/versions/N`) for `compile`; the Store provides one. */
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

export interface Resolved {
  readonly name: string
  readonly version: number
  readonly createdAt: string
  readonly spec: CodespecDocument.Spec
}

export class CodespecCatalog extends Context.Service<CodespecCatalog, {
  readonly resolve: (name: string, version: number | undefined) => Effect.Effect<Resolved, CodespecNotFound>
}>()("tyger-ts/engine/CodespecCatalog") {}
