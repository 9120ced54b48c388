#!/usr/bin/env bash
# The scripted tour behind `make demo`: the switchboard CLI against its
# built-in emulators, with no account and no real server. Each platform's part
# starts `switchboard sandbox serve <platform>`, points the CLI at it through
# the same environment variables the platform's own tools read, and runs a
# few commands, printing each one before its output.
set -euo pipefail

BIN=${BIN:-bin/switchboard}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# serve PLATFORM [FLAGS...]: start its emulator (with `sandbox serve` flags
# such as --seed) and export the variables it prints.
serve() {
  local platform=$1 env="$work/$1.env"
  shift
  "$BIN" sandbox serve "$platform" "$@" >"$env" 2>"$work/$platform.log" &
  pids+=($!)
  for _ in $(seq 100); do
    [ -s "$env" ] && break
    sleep 0.05
  done
  [ -s "$env" ] || { echo "the $platform emulator did not start:" >&2; cat "$work/$platform.log" >&2; exit 1; }
  echo "\$ switchboard sandbox serve $platform${*:+ $*}   # prints:"
  sed 's/^/    /' "$env"
  set -a; . "$env"; set +a
}

# say ARGS...: print a switchboard command line as one would type it,
# quoting the arguments that need it.
say() {
  local line="\$ switchboard" arg q="'"
  for arg in "$@"; do
    if [[ $arg =~ ^[-A-Za-z0-9_./:=@%+,]+$ ]]; then
      line+=" $arg"
    else
      line+=" $q${arg//$q/$q\\$q$q}$q"
    fi
  done
  echo "$line"
}

# run ARGS...: print the command, then run it.
run() {
  echo
  say "$@"
  "$BIN" "$@"
}

# capture ARGS...: run quietly and print only the JSON value of -a id.
capture_id() {
  "$BIN" "$@" -j -a id | sed -n 's/^ *"id": \([0-9]*\).*/\1/p' | head -n 1
}

# Each platform's part lives in demo/<platform>.sh and runs in this order.
here=$(dirname "${BASH_SOURCE[0]}")
for platform in cachet st2 rightscale saagie spacestudio; do
  [ -f "$here/$platform.sh" ] || continue
  # shellcheck source=/dev/null
  . "$here/$platform.sh"
  echo
done
