/**
 * The shell scripts `tyger completion <shell>` prints. They hold no knowledge of the commands: each asks the CLI
 * itself, as `tyger __complete <words before the cursor> <word at the cursor>`, which prints one candidate a line
 * (`value<TAB>description`) and then a directive line: `:files` when the shell should offer file names, else
 * `:nofiles`. So the scripts never go stale, and what they offer comes from the same tree help is printed from.
 * Errors are dropped (stderr to /dev/null): nothing but candidates may reach the command line.
 */

export type Shell = "bash" | "zsh" | "fish"

export const SHELLS: ReadonlyArray<Shell> = ["bash", "zsh", "fish"]

// Written without bash-completion's helpers, which are not always installed. bash splits `--flag=value` at `=`
// (COMP_WORDBREAKS); the words are put back together as the CLI reads them.
const bash = `# bash completion for tyger (tyger-ts). Load it with: source <(tyger completion bash)
_tyger_complete() {
    local cur=\${COMP_WORDS[COMP_CWORD]}
    local -a args=()
    local i word
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=\${COMP_WORDS[i]}
        if [[ $word == "=" && \${#args[@]} -gt 0 ]]; then
            args[\${#args[@]}-1]+="="
        elif [[ $i -gt 1 && \${COMP_WORDS[i-1]} == "=" && \${#args[@]} -gt 0 ]]; then
            args[\${#args[@]}-1]+=$word
        else
            args+=("$word")
        fi
    done
    COMPREPLY=()
    # A value after \`=\`: nothing to offer.
    if [[ $cur == "=" || ( $COMP_CWORD -gt 1 && \${COMP_WORDS[COMP_CWORD-1]} == "=" ) ]]; then
        return 0
    fi
    local program=\${COMP_WORDS[0]}
    [[ $program == "~/"* ]] && program=$HOME/\${program#"~/"}
    local output line directive=":nofiles"
    output=$("$program" __complete "\${args[@]}" "$cur" 2>/dev/null) || return 0
    while IFS= read -r line; do
        case $line in
            :*) directive=$line ;;
            "") ;;
            *) COMPREPLY+=("\${line%%$'\\t'*}") ;;
        esac
    done <<< "$output"
    if [[ $directive == ":files" ]]; then
        compopt -o filenames 2>/dev/null
        while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -f -- "$cur")
    fi
    return 0
}
complete -F _tyger_complete tyger
`

const zsh = `#compdef tyger
# zsh completion for tyger (tyger-ts). Load it with: source <(tyger completion zsh)
_tyger() {
    local -a completions
    local line value description directive=":nofiles"
    local program=\${words[1]}
    [[ $program == "~/"* ]] && program=$HOME/\${program#"~/"}
    local output
    output=$("$program" __complete "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
    for line in "\${(@f)output}"; do
        case $line in
            :*) directive=$line ;;
            "") ;;
            *)
                value=\${line%%$'\\t'*}
                description=""
                [[ $line == *$'\\t'* ]] && description=\${line#*$'\\t'}
                # _describe reads value:description; a colon in the value is escaped.
                value=\${value//:/\\\\:}
                if [[ -n $description ]]; then completions+=("$value:$description"); else completions+=("$value"); fi
                ;;
        esac
    done
    if [[ $directive == ":files" ]]; then
        _files
        return
    fi
    (( \${#completions} )) && _describe -t values tyger completions
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
    _tyger "$@"
else
    compdef _tyger tyger
fi
`

const fish = `# fish completion for tyger (tyger-ts). Load it with: tyger completion fish | source
function __tyger_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l args
    if test (count $tokens) -gt 1
        set args $tokens[2..-1]
    end
    set -l directive ":nofiles"
    # Quoted, so that an empty word at the cursor is passed as one.
    for line in ($tokens[1] __complete $args "$current" 2>/dev/null)
        switch $line
            case ':*'
                set directive $line
            case ''
            case '*'
                echo $line
        end
    end
    if test "$directive" = ":files"
        __fish_complete_path "$current"
    end
end
complete -c tyger -f -a '(__tyger_complete)'
`

export const script = (shell: Shell): string => ({ bash, zsh, fish })[shell]
