import { usage } from "../BaseCommand.ts"

/** What `tyger login`, `tyger login status` and `tyger logout` print for `--help`. */
export const help = {
  login: usage("Login", "Login to a server", {
    use: "login { SERVER_URL [--service-principal APPID --certificate CERTPATH] [--use-device-code] " +
      "[--identity [--identity-client-id [CLIENT_ID]] --federated-identity CLIENT_ID] [--proxy PROXY] } | --file LOGIN_FILE.yaml | --local",
    details: `
      Tyger's first step: \`tyger login --local\` connects to the local installation. tyger-ts has no server: the
      local installation is its data directory (\`--data-dir\`, $TYGER_TS_DATA_DIR, else ~/.local/share/tyger-ts),
      which \`--local\` opens (creating it if needed). A server address, a login file and the cloud login flags are
      accepted, as scripts written for Tyger pass them, with a warning: the data directory is used all the same.
    `,
    examples: [
      ["Log in to the local installation", "$0 login --local"],
      ["Show where commands go", "$0 login status"]
    ]
  }),
  status: usage("Login", "Get the login status", {
    use: "status",
    details: "Prints the data directory that stands for Tyger's server (`--format json`: with its capabilities).",
    examples: [["Get the login status as JSON", "$0 login status --format json"]]
  }),
  logout: usage("Login", "Logout from a server", {
    use: "logout",
    details: "Tyger forgets its server; tyger-ts has nothing to forget, and the data directory stays as it is."
  })
}
