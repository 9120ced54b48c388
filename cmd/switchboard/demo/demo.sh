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

# serve PLATFORM: start its emulator and export the variables it prints.
serve() {
  local platform=$1 env="$work/$1.env"
  "$BIN" sandbox serve "$platform" >"$env" 2>"$work/$platform.log" &
  pids+=($!)
  for _ in $(seq 100); do
    [ -s "$env" ] && break
    sleep 0.05
  done
  [ -s "$env" ] || { echo "the $platform emulator did not start:" >&2; cat "$work/$platform.log" >&2; exit 1; }
  echo "\$ switchboard sandbox serve $platform   # prints:"
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

echo "== Cachet ==================================================================="
serve cachet
run cachet ping
run cachet version
group=$(capture_id cachet group create --name "Web platform" --public)
echo; echo "\$ switchboard cachet group create --name 'Web platform' --public   # -> group $group"
web=$(capture_id cachet component create --name Website --status operational --group "$group" --tag frontend --tag public)
api=$(capture_id cachet component create --name API --status operational --group "$group" --tag backend)
echo "\$ switchboard cachet component create ...   # -> components $web and $api"
for i in $(seq 1 23); do
  "$BIN" cachet component create --name "Worker $i" --status operational --tag workers >/dev/null
done
echo "\$ switchboard cachet component create --name 'Worker N' ...   # 23 more, to show paging"
run cachet incident create --name "Elevated API errors" --message "We are investigating errors on the API." \
  --status investigating --component "$api" --component-status partial-outage
incident=$(capture_id cachet incident list --sort id -n 1)
run cachet incident-update create "$incident" --status identified --message "A bad deploy; rolling back."
run cachet incident-update create "$incident" --status fixed --message "Rolled back; errors are gone."
run cachet component update "$api" --status operational
run cachet incident-update list "$incident"
metric=$(capture_id cachet metric create --name "API latency" --suffix ms --default-value 0 --calc-type average)
echo; echo "\$ switchboard cachet metric create --name 'API latency' --suffix ms ...   # -> metric $metric"
for v in 120 95 101; do
  run cachet metric-point create "$metric" "$v"
done
run cachet metric-point list "$metric"
run cachet group get "$group"
run cachet component list --tag workers -a id name status_name tags
run cachet component list -a id name status_name
# Paging: the server sends 20 items a page, and the list above read them
# all. --debug logs every HTTP exchange on stderr; the request lines show
# the pages it took.
echo
echo "\$ switchboard --debug cachet component list 2>&1 >/dev/null | grep 'msg=\"http request\"' | grep -o 'url=[^ ]*'"
requests=$("$BIN" --debug cachet component list 2>&1 >/dev/null | grep 'msg="http request"' | grep -o 'url=[^ ]*')
[ -n "$requests" ] || { echo "--debug logged no request" >&2; exit 1; }
echo "$requests"
echo "# $(wc -l <<<"$requests") requests, one per page of 20; with -n, one request sized to the limit:"
run cachet component list -n 3 -a id name
run cachet status
echo
echo "Done: every command above ran against the in-memory Cachet emulator."
