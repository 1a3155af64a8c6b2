import { usage } from "../BaseCommand.ts"

/**
 * What `tyger run <verb> --help` prints, by verb, kept together so that the texts read side by side with Tyger's own
 * help (the one-line descriptions are Tyger's where Tyger has the command). Each command takes its entry as its usage.
 */
export const help = {
  cancel: usage("Runs", "Cancel a run", {
    use: "cancel ID",
    operands: { of: "run" },
    details: "Cancel a run: it becomes Canceled at once and its containers are stopped.",
    examples: [["Cancel run 12", "$0 run cancel 12"]]
  }),
  counts: usage("Runs", "Shows the count of runs by status", {
    use: "counts [--since DATE/TIME]",
    details: "Shows the count of runs by status; only statuses with runs are listed.",
    examples: [["Counts of the runs created today", "$0 run counts --since today"]]
  }),
  create: usage("Runs", "Creates a run.", {
    use: "create [--file YAML_SPEC] [other flags]",
    details: `
      Creates a run. Writes the run ID to stdout on success.

      The run is supervised by a background \`tyger run monitor\` process (tyger-ts has no server), so it goes on after
      this command returns; its buffers are written and read with \`tyger buffer write\` and \`tyger buffer read\`.
    `,
    examples: [
      ["Run the latest version of a codespec on existing buffers", "$0 run create --codespec hello --buffer input=$INPUT_ID --buffer output=$OUTPUT_ID"],
      ["Run a run file, tagging the run", "$0 run create -f run.yml --tag project=demo"]
    ]
  }),
  exec: usage("Runs", "Creates a run and reads and writes to its buffers.", {
    use: "exec [--file YAML_SPEC] [other flags]",
    details: `
      Creates a run.
      If the job has a single input buffer, stdin is streamed to the buffer.
      If the job has a single output buffer, stdout is streamed from the buffer.

      Status changes are logged to stderr. A run that does not succeed exits with code 1; Ctrl-C cancels the run.
    `,
    examples: [
      ["Say hello", "echo Paul | $0 run exec --codespec hello > result.txt"],
      ["Run a run file and show its logs", "$0 run exec -f run.yml --logs < input.bin > output.bin"]
    ]
  }),
  list: usage("Runs", "List runs", {
    use: "list [--since DATE/TIME] [--tag key=value ...] [--status STATUS] [--limit COUNT]",
    details: "List runs. Runs are sorted by descending created time.",
    examples: [
      ["The most recent run", "$0 run list --limit 1"],
      ["Failed runs of the last day tagged project=demo", "$0 run list --since -1d --status failed --tag project=demo"]
    ]
  }),
  logs: usage("Runs", "Get the logs of a run", {
    use: "logs RUNID",
    operands: { of: "run" },
    details: `
      Get the logs of a run: the standard output and error of all of its containers, merged chronologically. Logs stay
      available after the run has ended.
    `,
    examples: [
      ["The last 10 lines of run 12, with timestamps", "$0 run logs 12 --tail 10 --timestamps"],
      ["Stream the logs of run 12 until it ends", "$0 run logs 12 --follow"]
    ]
  }),
  set: usage("Runs", "Updates or replaces tags set on a run", {
    use: "set ID [--clear-tags] [--tag key=value ...] [--etag ETAG]",
    operands: { of: "run" },
    details: "Updates or replaces tags set on a run",
    examples: [
      ["Add or change a tag", "$0 run set 12 --tag stage=done"],
      ["Replace all tags, only if the run is unchanged", "$0 run set 12 --clear-tags --tag a=b --etag 123"]
    ]
  }),
  show: usage("Runs", "Show the details of a run", {
    use: "show ID",
    operands: { of: "run" },
    details: "Show the details of a run: its status and its definition, with the job codespec resolved inline.",
    examples: [["Show run 12", "$0 run show 12"]]
  }),
  watch: usage("Runs", "Watch the status changes of a run", {
    use: "watch ID",
    operands: { of: "run" },
    details: "Watch the status changes of a run: a JSON line whenever the run changes, until it reaches a terminal state.",
    examples: [
      ["Watch run 12", "$0 run watch 12"],
      ["Watch run 12, printing the whole run each time", "$0 run watch 12 --full-resource"]
    ]
  })
}
