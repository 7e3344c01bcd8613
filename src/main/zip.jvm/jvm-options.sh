#!/bin/bash
# Lambda exec wrapper (AWS_LAMBDA_EXEC_WRAPPER): the managed Java runtime starts the JVM with "$@", its own options
# on the command line. A JVM takes the last value of an option, and JAVA_TOOL_OPTIONS is read before the command
# line, so JAVA_TOOL_OPTIONS cannot override a runtime default such as -XX:TieredStopAtLevel=1. This wrapper puts
# $S3DEST_JVM_OPTIONS after the runtime's options, just before the main class (or -jar), so they win.
set -euo pipefail

if [[ -z "${S3DEST_JVM_OPTIONS:-}" || $# -eq 0 ]]; then
  exec "$@"
fi
read -r -a extra <<< "$S3DEST_JVM_OPTIONS"
# Two collectors on one command line stop the JVM: when the options choose one, the runtime's choice is dropped.
choosesGc=false
for option in "${extra[@]}"; do
  [[ "$option" =~ ^-XX:\+Use[A-Za-z0-9]+GC$ ]] && choosesGc=true
done

args=("$1")
shift
while [[ $# -gt 0 ]]; do
  case "$1" in
    # Options whose value is the next argument.
    -cp | -classpath | --class-path | -p | --module-path | --upgrade-module-path | --add-modules | --add-opens \
      | --add-exports | --add-reads | --patch-module | --limit-modules | --enable-native-access)
      args+=("$1" "$2")
      shift 2
      ;;
    -jar | -m | --module)
      break
      ;;
    -XX:+Use*GC)
      [[ "$choosesGc" == true ]] || args+=("$1")
      shift
      ;;
    -*)
      args+=("$1")
      shift
      ;;
    *)
      break
      ;;
  esac
done
exec "${args[@]}" "${extra[@]}" "$@"
