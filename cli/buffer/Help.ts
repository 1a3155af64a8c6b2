import { usage } from "../BaseCommand.ts"

/**
 * What `tyger buffer <verb> --help` prints, by verb, kept together so that the texts read side by side with Tyger's own
 * help (the one-line descriptions are Tyger's where Tyger has the command). Each command takes its entry as its usage.
 */
export const help = {
  access: usage("Buffers", "Get a URL to be able to read or write to a buffer", {
    use: "access BUFFER_ID [--write]",
    operands: { of: "buffer" },
    details: "Get a URL to be able to read or write to a buffer. The URL is valid for one hour.",
    examples: [["Get a URL to write a buffer", "$0 buffer access yf4sx2aqzitepjhmxjhanomn5e --write"]]
  }),
  create: usage("Buffers", "Create a buffer", {
    use: "create [--location LOCATION] [--tag KEY=VALUE ...] [--ttl D.HH:MM:SS]",
    details: "Create a buffer. Writes the buffer ID to stdout on success.",
    examples: [
      ["Create a buffer", "$0 buffer create"],
      ["Create a tagged buffer that expires after a day", "$0 buffer create --tag project=demo --ttl 1.00:00"]
    ]
  }),
  delete: usage("Buffers", "Delete buffers", {
    use: "delete ID ... | --tag KEY=VALUE ... | --all",
    operands: { of: "buffer", many: true },
    details: "Delete buffers (soft-delete). Give buffer IDs, or select buffers with `--tag` (and `--exclude-tag`), or `--all`.",
    examples: [
      ["Soft-delete a buffer", "$0 buffer delete yf4sx2aqzitepjhmxjhanomn5e"],
      ["Soft-delete every buffer tagged project=demo, without asking", "$0 buffer delete --tag project=demo --force"]
    ]
  }),
  gen: usage("Buffers", "Generate deterministic data.", {
    use: "gen SIZE",
    details: `
      Generate SIZE bytes of arbitrary but deterministic data.
      The SIZE argument must be a number with an optional unit (e.g. 10MB). 1KB and 1KiB are both treated as 1024 bytes.
    `,
    examples: [["Write 1 GiB of test data into a buffer", "$0 buffer gen 1G | $0 buffer write yf4sx2aqzitepjhmxjhanomn5e"]]
  }),
  list: usage("Buffers", "List buffers", {
    use: "list [--tag key=value ...] [--exclude-tag key=value ...] [--limit COUNT] [--soft-deleted]",
    details: "List buffers. Buffers are sorted by descending created time.",
    examples: [
      ["List the newest 1000 buffers", "$0 buffer list"],
      ["List soft-deleted buffers tagged project=demo", "$0 buffer list --tag project=demo --soft-deleted"]
    ]
  }),
  purge: usage("Buffers", "Purge deleted buffers (irreversible)", {
    use: "purge ID ... | --tag KEY=VALUE ... | --all",
    operands: { of: "buffer", many: true },
    details: "Purge deleted buffers (irreversible). Give buffer IDs, or select buffers with `--tag` (and `--exclude-tag`), or `--all`.",
    examples: [
      ["Purge a soft-deleted buffer", "$0 buffer purge yf4sx2aqzitepjhmxjhanomn5e"],
      ["Purge every soft-deleted buffer tagged project=demo, without asking", "$0 buffer purge --tag project=demo --force"]
    ]
  }),
  read: usage("Buffers", "Reads the contents of a buffer", {
    use: "read { BUFFER_ID | BUFFER_SAS_URL | FILE_WITH_SAS_URL } [flags]",
    operands: { of: "buffer" },
    details: `
      Reads the contents of a buffer. The argument is a buffer ID, an access URL (\`tyger buffer access\`), or a file
      holding one. A buffer still being written is streamed as its data arrives.
    `,
    examples: [["Read a buffer into a file", "$0 buffer read yf4sx2aqzitepjhmxjhanomn5e -o data.bin"]]
  }),
  restore: usage("Buffers", "Restore deleted buffers", {
    use: "restore ID ... | --tag KEY=VALUE ... | --all",
    operands: { of: "buffer", many: true },
    details: "Restore deleted buffers. Give buffer IDs, or select buffers with `--tag` (and `--exclude-tag`), or `--all`.",
    examples: [
      ["Restore a soft-deleted buffer", "$0 buffer restore yf4sx2aqzitepjhmxjhanomn5e"],
      ["Restore every soft-deleted buffer tagged project=demo, without asking", "$0 buffer restore --tag project=demo --force"]
    ]
  }),
  set: usage("Buffers", "Updates or replaces tags set on a buffer", {
    use: "set ID [--clear-tags] [--tag key=value ...] [--etag ETAG] [--ttl D.HH:MM:SS]",
    operands: { of: "buffer" },
    details: "Updates or replaces tags set on a buffer",
    examples: [
      ["Add or change a tag", "$0 buffer set yf4sx2aqzitepjhmxjhanomn5e --tag stage=done"],
      ["Replace all tags, only if the buffer is unchanged", "$0 buffer set ID --clear-tags --tag a=b --etag 123"]
    ]
  }),
  show: usage("Buffers", "Show the details of a buffer", {
    use: "show BUFFER_ID",
    operands: { of: "buffer" },
    details: "Show the details of a buffer",
    examples: [["Show a buffer", "$0 buffer show yf4sx2aqzitepjhmxjhanomn5e"]]
  }),
  write: usage("Buffers", "Writes to a buffer", {
    use: "write { BUFFER_ID | BUFFER_SAS_URL | FILE_WITH_SAS_URL } [flags]",
    operands: { of: "buffer" },
    details: `
      Write data to a buffer. The argument is a buffer ID, an access URL (\`tyger buffer access --write\`), or a file
      holding one. A buffer can be written once; Ctrl-C leaves it permanently failed.
    `,
    examples: [
      ["Write a file to a buffer", "$0 buffer write yf4sx2aqzitepjhmxjhanomn5e -i data.bin"],
      ["Write generated data from a pipe", "$0 buffer gen 1G | $0 buffer write yf4sx2aqzitepjhmxjhanomn5e"]
    ]
  })
}
