# The Cachet part of `make demo`, sourced by demo.sh (which defines serve,
# run and capture_id).
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
