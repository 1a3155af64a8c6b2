import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"

/**
 * `tyger buffer provision --endpoint URL --tag K=V [--execution JOB --namespace NS --url-dir DIR] SPEC...`: internal,
 * the `create-buffers` init container of a Kubernetes job pod (argv fixed in providers/kubernetes/Contract.ts; the
 * runtime is providers/kubernetes/sidecar/Provision.ts). No usage text, so it stays out of `tyger --help`. Prints
 * `PARAM ID` per buffer, so the pod's log names the ids.
 */
export class BufferProvisionCommand extends BaseCommand {
  static override paths = [["buffer", "provision"]]

  endpoint = Option.String("--endpoint", { description: "The storage account's blob endpoint, e.g. https://acct.blob.core.windows.net" })
  tags = Option.Array("--tag", {
    description: "A KEY=VALUE tag of every buffer (container metadata: KEY matches [a-z_][a-z0-9_]*). Can be repeated."
  })
  execution = Option.String("--execution", { description: "The Job of a scheduled run's execution: PARAM buffers are its own" })
  namespace = Option.String("--namespace", { description: "The Job's namespace" })
  urlDir = Option.String("--url-dir", { description: "Where each execution buffer's URL is written, as DIR/PARAM" })

  specs = Option.Rest({ name: "PARAM=ID | PARAM" })

  override async execute(): Promise<number> {
    const { provision } = await import("./provision.program.ts")
    return this.runProgram(provision(this, { env: this.context.env, cwd: this.context.cwd ?? process.cwd() }))
  }
}
