import { Option } from "clipanion"
import { BaseCommand, usage } from "../BaseCommand.ts"
import * as CommandTree from "./CommandTree.ts"
import * as CompletionScripts from "./CompletionScripts.ts"
import * as HelpText from "./HelpText.ts"

/** `tyger completion`: as cobra's, a command that only groups the shells; alone, it prints its help. */
export class CompletionCommand extends BaseCommand {
  static override paths = [["completion"]]

  static override usage = usage("General commands", "Generate the autocompletion script for the specified shell", {
    use: "",
    details: `
      Generate the autocompletion script for tyger for the specified shell.
      See each sub-command's help for details on how to use the generated script.
    `
  })

  rest = Option.Rest()

  override async execute(): Promise<number> {
    const tree = this.context.commands?.() ?? CommandTree.make([])
    this.context.stdout.write(HelpText.help(tree, CommandTree.byClass(tree, CompletionCommand)))
    return 0
  }
}

const HOW_TO: Record<CompletionScripts.Shell, string> = {
  bash: `
    Generate the autocompletion script for the bash shell.

    To load completions in your current shell session:

    	source <(tyger completion bash)

    To load completions for every new session, execute once:

    	tyger completion bash > ~/.local/share/bash-completion/completions/tyger

    or add the line above to ~/.bashrc. The script needs bash 4 or later, not the bash-completion package.
  `,
  zsh: `
    Generate the autocompletion script for the zsh shell.

    If shell completion is not already enabled in your environment you will need
    to enable it.  You can execute the following once:

    	echo "autoload -U compinit; compinit" >> ~/.zshrc

    To load completions in your current shell session:

    	source <(tyger completion zsh)

    To load completions for every new session, execute once:

    	tyger completion zsh > "\${fpath[1]}/_tyger"

    You will need to start a new shell for this setup to take effect.
  `,
  fish: `
    Generate the autocompletion script for the fish shell.

    To load completions in your current shell session:

    	tyger completion fish | source

    To load completions for every new session, execute once:

    	tyger completion fish > ~/.config/fish/completions/tyger.fish

    You will need to start a new shell for this setup to take effect.
  `
}

/** `tyger completion <shell>`: the script, which completes by asking `tyger __complete` (see CompletionScripts). */
const shellCommand = (shell: CompletionScripts.Shell) =>
  class extends BaseCommand {
    static override paths = [["completion", shell]]

    static override usage = usage("General commands", `Generate the autocompletion script for ${shell}`, {
      use: shell,
      details: HOW_TO[shell]
    })

    rest = Option.Rest()

    override async execute(): Promise<number> {
      const [extra] = this.rest
      if (extra !== undefined) return this.fail([`unknown command "${extra}" for "tyger completion ${shell}"`])
      this.context.stdout.write(CompletionScripts.script(shell))
      return 0
    }
  }

export class CompletionBashCommand extends shellCommand("bash") {}
export class CompletionZshCommand extends shellCommand("zsh") {}
export class CompletionFishCommand extends shellCommand("fish") {}
