import { Option } from "clipanion"
import { BaseCommand } from "../BaseCommand.ts"
import { help } from "./Help.ts"
import * as FlagHelp from "../root/FlagHelp.ts"

/** `tyger login { SERVER_URL [cloud flags] | --file LOGIN_FILE | --local }` (see Help.ts). */
export class LoginCommand extends BaseCommand {
  static override paths = [["login"]]
  static override usage = help.login

  local = Option.Boolean("--local", false, { description: "Log in to the local installation (tyger-ts: its data directory)." })
  file = Option.String("-f,--file", { description: "A login file (YAML); accepted for compatibility, with a warning." })
  servicePrincipal = FlagHelp.value("APPID", Option.String("-s,--service-principal", { description: "Accepted for compatibility, with a warning." }))
  certFile = FlagHelp.value("CERTPATH", Option.String("-c,--cert-file", { description: "Accepted for compatibility, with a warning." }))
  certThumbprint = FlagHelp.value("THUMBPRINT", Option.String("-t,--cert-thumbprint", { description: "Accepted for compatibility, with a warning." }))
  useDeviceCode = Option.Boolean("-d,--use-device-code", false, { description: "Accepted for compatibility, with a warning." })
  identity = Option.Boolean("--identity", false, { description: "Accepted for compatibility, with a warning." })
  identityClientId = FlagHelp.value("CLIENT_ID", Option.String("--identity-client-id", { description: "Accepted for compatibility, with a warning." }))
  github = Option.Boolean("--github", false, { description: "Accepted for compatibility, with a warning." })
  federatedIdentity = FlagHelp.value("CLIENT_ID", Option.String("--federated-identity", { description: "Accepted for compatibility, with a warning." }))
  tlsCertificates = FlagHelp.value("FILE", Option.String("--tls-certificates", { description: "Accepted for compatibility, with a warning." }))

  positionals = Option.Rest()

  override async execute(): Promise<number> {
    const { login } = await import("./login.program.ts")
    return this.runProgram(login(this))
  }
}
