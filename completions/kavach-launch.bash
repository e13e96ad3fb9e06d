# bash completion for kavach-launch: options and a policy.bin before `--`,
# then the command and its arguments as usual.
_kavach_launch() {
  local cur prev words cword i
  _init_completion || return
  for ((i = 1; i < cword; i++)); do
    if [[ "${words[i]}" == -- ]]; then
      _command_offset $((i + 1))
      return
    fi
  done
  case "$prev" in
    --require-signature) _filedir pub; return ;;
    --learn) _filedir kv; return ;;
    --backend) COMPREPLY=($(compgen -W "process oci gvisor noop auto" -- "$cur")); return ;;
    --runtime) COMPREPLY=($(compgen -W "crun runc" -- "$cur")); return ;;
    --rootfs) _filedir -d; return ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "--best-effort --dry-run --require-signature --learn --backend --runtime --rootfs --help --version --" -- "$cur"))
    return
  fi
  _filedir bin
}
complete -F _kavach_launch kavach-launch
