import { Option } from "clipanion"
import { BaseCommand, usage } from "../BaseCommand.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

export class PlanCommand extends BaseCommand {
  static override paths = [["plan"]]

  static override usage = usage("Workflows", "Print the plan a workflow compiles to (tyger-ts)", {
    use: "plan FILE [flags]",
    operands: { of: "file" },
    details: `
      Compiles FILE into the provider-neutral plan and prints it. FILE is a TypeScript workflow module (its exported
      runs and codespecs) or a Tyger YAML file: a run file when it has a top-level \`job:\`, else a codespec file.
      Named codespec references are resolved against the codespecs created with \`codespec create\`.

      Every problem is reported, one \`Error:\` line each. With \`--provider\`, features the provider cannot realise are
      problems too.

      With \`--provider kubernetes --format yaml\` the Kubernetes objects that would be applied are printed instead, as
      one multi-document YAML stream: per run a Secret with the buffers' access URLs, the workers' headless Service
      and StatefulSet, and a Job (a CronJob for a scheduled run). \`--namespace\` and \`--image\` (the image of the
      helper containers) go into them. With \`--storage-account\` every buffer the runs create gets its blob
      container URL (its pod creates the container), and \`--storage-key-secret\` names the Secret whose \`accountKey\`
      the helper containers sign with (else they use the pod's workload identity). The plan itself is printed with
      \`--format json\`, or as YAML without a provider.
    `,
    examples: [
      ["Print the plan of a workflow module", "$0 plan workflow.ts"],
      ["Check that a run file can run on Docker, as YAML", "$0 plan run.yaml --provider docker --format yaml"],
      ["Print the Kubernetes manifests of a workflow", "$0 plan workflow.ts --provider kubernetes --format yaml --namespace tyger"],
      [
        "The manifests for buffers in a storage account, signed with its key",
        "$0 plan workflow.ts --provider kubernetes --format yaml --storage-account mystorage --storage-key-secret tyger-storage"
      ]
    ]
  })

  format = FlagHelp.value("json|yaml", Option.String("--format", { description: "The output format: 'json' (the default) or 'yaml'." }))
  provider = FlagHelp.value("docker|kubernetes", Option.String("--provider", {
    description: "Refuse what this provider cannot run: 'docker' or 'kubernetes'."
  }))

  namespace = Option.String("--namespace", {
    description: "With --provider kubernetes --format yaml: the manifests' namespace (default 'default')."
  })
  image = Option.String("--image", {
    description: "With --provider kubernetes --format yaml: the tyger-ts image of the helper containers."
  })

  storageAccount = FlagHelp.value("ACCOUNT", Option.String("--storage-account", {
    description: "With --provider kubernetes --format yaml: the Azure storage account holding the buffers."
  }))
  blobEndpoint = FlagHelp.value("URL", Option.String("--blob-endpoint", {
    description: "With --storage-account: the account's blob endpoint (default 'https://ACCOUNT.blob.core.windows.net')."
  }))
  storageKeySecret = FlagHelp.value("SECRET", Option.String("--storage-key-secret", {
    description: "With --storage-account: the Secret whose key 'accountKey' holds the account key."
  }))

  positionals = Option.Rest({ name: "FILE" })

  override async execute(): Promise<number> {
    const { plan } = await import("./plan.program.ts")
    return this.runProgram(plan(this))
  }
}
