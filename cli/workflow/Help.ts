import { usage } from "../BaseCommand.ts"

/**
 * What `tyger apply` and `tyger workflow <verb> --help` print (tyger-ts extensions: Tyger has no workflows). Each
 * command takes its entry as its usage.
 */
export const help = {
  apply: usage("Workflows", "Apply a workflow on Docker: create what is new or changed (tyger-ts)", {
    use: "apply FILE [flags]",
    operands: { of: "file" },
    details: `
      Applies FILE (a TypeScript workflow module, or a Tyger run file) as one unit, as \`pulumi up\` applies it to a
      cluster. The workflow is compiled for the Docker provider (every problem is reported, nothing is created), its
      codespecs are published, and its runs are compared with what the last apply of the same workflow left:

      - a new or changed run is created; so is one whose last run failed or was canceled, and one named by \`--rerun\`;
      - a run that reads another run's output is created again whenever that run is;
      - an unchanged run whose last run succeeded or is still going is kept;
      - a run no longer in the workflow is reported as removed (\`--prune\` cancels it if it is still going).

      A consumer is bound to its producer's output buffer and starts with it, reading the data as it is written.
      Status changes go to stderr; stdout gets each run's name, id and status (\`--output json\`: with its buffers).
      By default the command waits for the runs it created and supervises them itself (Ctrl-C cancels them); exit
      code 1 when one does not succeed. Schedules run on Kubernetes; \`--once\` runs each scheduled run one time now
      (like any run, a later apply keeps it unless it changed, failed, or \`--rerun\` names it).
    `,
    examples: [
      ["Apply a workflow module", "$0 apply workflow.ts"],
      ["Show what an apply would do, without doing it", "$0 apply workflow.ts --dry-run"],
      ["Run one run again, and get the result as JSON", "$0 apply workflow.ts --rerun report --output json"]
    ]
  }),
  list: usage("Workflows", "List applied workflows (tyger-ts)", {
    use: "list",
    details: "List the workflows applied with `tyger apply`: name, file, when, and how many runs.",
    examples: [["List applied workflows", "$0 workflow list"]]
  }),
  show: usage("Workflows", "Show an applied workflow's runs (tyger-ts)", {
    use: "show NAME [flags]",
    operands: { of: "workflow" },
    details: "Show the runs of an applied workflow as they stand now: per run its last run id, status and buffers.",
    examples: [["Show the runs of workflow 'nightly'", "$0 workflow show nightly --output json"]]
  })
}
