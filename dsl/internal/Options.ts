/**
 * Options a builder does not know. TypeScript refuses them in a literal, but plain JavaScript, a cast or an object
 * built elsewhere gets them through; a builder records each so that `compile` reports it rather than dropping it.
 */
export interface Unknown {
  /** Where the option object sits in the builder's options (`""`, `"worker"`, `"schedule"`). */
  readonly at: string
  readonly option: string
  /** The options that object takes. */
  readonly valid: ReadonlyArray<string>
}

export const unknown = (at: string, options: unknown, valid: ReadonlyArray<string>): ReadonlyArray<Unknown> =>
  typeof options !== "object" || options === null
    ? []
    : Object.keys(options).filter((option) => !valid.includes(option)).map((option) => ({ at, option, valid }))
