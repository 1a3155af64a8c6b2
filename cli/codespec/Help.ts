import { usage } from "../BaseCommand.ts"

/**
 * What `tyger codespec <verb> --help` prints, by verb, kept together so that the texts read side by side with Tyger's own
 * help (the one-line descriptions are Tyger's where Tyger has the command). Each command takes its entry as its usage.
 */
export const help = {
  create: usage("Codespecs", "Create or update a codespec", {
    use: "create NAME [--file YAML_SPEC] [--image IMAGE] [--kind job|worker] [--max-replicas REPLICAS] [[--input BUFFER_NAME] ...] " +
      "[[--output BUFFER_NAME] ...] [[--env \"KEY=VALUE\"] ...] [--identity IDENTITY] [[ --endpoint SERVICE=PORT ]] [--gpu QUANTITY] " +
      "[--cpu-request QUANTITY] [--memory-request QUANTITY] [--cpu-limit QUANTITY] [--memory-limit QUANTITY] [--shm QUANTITY] [--command] " +
      "-- [COMMAND] [args...]",
    details: `
      Create or update a codespec. Outputs the version of the codespec that was created.

      Flags override the values in the \`--file\` only where given; \`--env\` replaces the whole environment. A codespec
      identical to the latest version (ignoring the order of env, buffers and endpoints) keeps that version.

      Arguments after \`--\` become the container's \`args\`, or its \`command\` with \`--command\`.

      tyger-ts also accepts a TypeScript workflow module as \`--file\`: the codespec named NAME (or the module's only
      named codespec) is created.
    `,
    examples: [
      [
        "Create a codespec that copies its input buffer to its output buffer",
        `$0 codespec create hello --image busybox -i input -o output --command -- sh -c 'cat "$INPUT_PIPE" > "$OUTPUT_PIPE"'`
      ],
      ["Create a codespec from a YAML file, overriding its image", "$0 codespec create -f codespec.yaml --image busybox:1.36"],
      ["Create a worker codespec listening on a port", "$0 codespec create my-worker --kind worker --image my-image --endpoint grpc=50051"],
      ["Create a codespec defined in a workflow module", "$0 codespec create hello -f workflow.ts"]
    ]
  }),
  list: usage("Codespecs", "List codespecs", {
    use: "list [--prefix STRING] [--limit COUNT]",
    details: "List codespecs. Latest version of codespecs are sorted alphabetically.",
    examples: [
      ["List every codespec", "$0 codespec list"],
      ["List the first 10 codespecs whose name starts with `daphne`", "$0 codespec list --prefix daphne --limit 10"]
    ]
  }),
  show: usage("Codespecs", "Show the details of a codespec", {
    use: "show NAME [--version VERSION]",
    operands: { of: "codespec" },
    details: "Show the details of a codespec: its latest version, or the one given with `--version`.",
    examples: [
      ["Show the latest version of a codespec", "$0 codespec show hello"],
      ["Show version 2 of a codespec", "$0 codespec show hello --version 2"]
    ]
  })
}
