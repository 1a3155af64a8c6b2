import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"

/**
 * `tyger buffer sidecar input|output|socket`: internal, the helper containers of a Kubernetes job pod (argv fixed in
 * providers/kubernetes/Contract.ts; the runtime is providers/kubernetes/sidecar/). No usage text, so it stays out of `tyger --help`, like Tyger's buffer-sidecar
 * binary. Watching `main` through `--namespace/--pod/--container` needs `get` on pods for the pod's service account
 * (the Kubernetes manifests grant it: providers/kubernetes/SidecarAccess.ts).
 */
export class BufferSidecarCommand extends BaseCommand {
  static override paths = [["buffer", "sidecar"]]

  urlFile = Option.String("--url-file", {
    description: "The file holding the buffer's access URL; re-read when the URL is refused or still a placeholder."
  })
  pipe = Option.String("--pipe", { description: "The named pipe main reads (input) or writes (output)." })
  namespace = Option.String("--namespace", { description: "The namespace of the pod to watch" })
  pod = Option.String("--pod", { description: "The name of the pod to watch" })
  container = Option.String("--container", { description: "The name of the container to watch" })
  tombstone = Option.String("--tombstone", { description: "The file that signals when the main container has exited" })
  address = Option.String("--address", { description: "socket: the address (host:port) of main's socket" })
  input = Option.String("--input", { description: "socket: the named pipe whose data is sent to the socket" })
  output = Option.String("--output", { description: "socket: the named pipe the socket's data is written to" })

  positionals = Option.Rest({ name: "input | output | socket" })

  override async execute(): Promise<number> {
    const { sidecar } = await import("./sidecar.program.ts")
    const where = { dataDir: this.dataDir, env: this.context.env, cwd: this.context.cwd ?? process.cwd() }
    return this.runProgram(sidecar(this, where))
  }
}
