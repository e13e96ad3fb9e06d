# bash completion for kavachc. The option list comes from the installed
# kavachc itself (--help-list), so it never drifts from the binary.
_kavachc() {
  local cur prev
  _init_completion -n = || return
  case "$cur" in
    --arch=*)
      COMPREPLY=($(compgen -W "x86_64 i386 x32 aarch64 arm riscv64" -- "${cur#*=}")); return ;;
    --emit=*)
      COMPREPLY=($(compgen -W "bin bpf bpf-asm oci docker-seccomp k8s-seccomp" -- "${cur#*=}")); return ;;
    --output-format=*)
      COMPREPLY=($(compgen -W "text json sarif" -- "${cur#*=}")); return ;;
    --diagnostics-format=*)
      COMPREPLY=($(compgen -W "text json" -- "${cur#*=}")); return ;;
    --fail-on=*)
      COMPREPLY=($(compgen -W "warning error" -- "${cur#*=}")); return ;;
    --stdlib-dir=*)
      cur=${cur#*=}; _filedir -d; return ;;
  esac
  case "$prev" in
    -o|--sign-key) _filedir; return ;;
    -I) _filedir -d; return ;;
  esac
  if [[ "$cur" == -* ]]; then
    local opts
    opts=$("${COMP_WORDS[0]}" --help-list 2>/dev/null |
           sed -n 's/^ *\(--*[A-Za-z][A-Za-z0-9-]*\)\(=\)\{0,1\}.*/\1\2/p')
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    [[ ${COMPREPLY-} == *= ]] && compopt -o nospace
    return
  fi
  _filedir '@(kv|bin)'
}
complete -F _kavachc kavachc
