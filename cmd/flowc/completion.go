package main

import (
	"io"

	"github.com/urfave/cli/v2"
)

// The completion scripts ask flowc itself what may come next: urfave/cli
// answers a command line ending in --generate-bash-completion with the
// commands, or the flags when the word being completed starts with "-".
// When it has nothing to offer (a SPEC argument), the shell completes file
// names.

const bashCompletion = `# bash completion for flowc. Load it with
#   source <(flowc completion bash)
# or save it as /etc/bash_completion.d/flowc.
_flowc_complete() {
  local cur=${COMP_WORDS[COMP_CWORD]} w out
  local -a line=("${COMP_WORDS[@]:0:COMP_CWORD}")
  COMPREPLY=()
  for w in "${line[@]}"; do
    # After "--" flowc would run the command instead of completing it.
    [[ $w == -- ]] && { compopt -o default 2>/dev/null; return; }
  done
  case $cur in
  --) line+=(-) ;;
  -*) line+=("$cur") ;;
  esac
  out=$("${line[@]}" --generate-bash-completion 2>/dev/null | grep -vx -e help -e h)
  if [[ -n $out ]]; then
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$out" -- "$cur"))
  else
    compopt -o default 2>/dev/null
  fi
}
complete -F _flowc_complete flowc
`

const zshCompletion = `#compdef flowc
# zsh completion for flowc. Load it with
#   source <(flowc completion zsh)
# after compinit, or save it as _flowc in a directory of your $fpath.
_flowc() {
  local -a line opts
  line=("${(@)words[1,CURRENT-1]}")
  if (( ${line[(Ie)--]} )); then
    # After "--" flowc would run the command instead of completing it.
    _files
    return
  fi
  case ${words[CURRENT]} in
  --) line+=(-) ;;
  -*) line+=("${words[CURRENT]}") ;;
  esac
  opts=("${(@f)$("${(@)line}" --generate-bash-completion 2>/dev/null)}")
  opts=("${(@)opts:#(help|h)}")
  if [[ -n ${opts[1]} ]]; then
    compadd -a opts
  else
    _files
  fi
}
if [[ ${funcstack[1]} == _flowc ]]; then
  _flowc "$@"
else
  compdef _flowc flowc
fi
`

func completionCommand(e *env) *cli.Command {
	script := func(s string) cli.ActionFunc {
		return func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErr("completion %s takes no arguments", c.Command.Name)
			}
			_, err := io.WriteString(e.stdout, s)
			return err
		}
	}
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash or zsh",
		ArgsUsage: "bash|zsh",
		Description: `Prints a script that completes flowc's commands and flags, and file names for SPEC.

Example:
   source <(flowc completion bash)     # in ~/.bashrc
   source <(flowc completion zsh)      # in ~/.zshrc, after compinit`,
		Subcommands: []*cli.Command{
			{Name: "bash", Usage: "print the bash completion script", Action: script(bashCompletion)},
			{Name: "zsh", Usage: "print the zsh completion script", Action: script(zshCompletion)},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usageErr("completion needs a shell: bash or zsh")
			}
			return usageErr("completion for %q is not available: use bash or zsh", c.Args().First())
		},
	}
}
