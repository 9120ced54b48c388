# The Saagie part of `make demo`, sourced by demo.sh (which defines serve,
# run and say). Saagie ids are UUIDs, so this part captures them itself.
echo "== Saagie ==================================================================="
serve saagie
# EasyConnect, as saagieapi's easy_connect: the platform URL a user copies
# from the browser names the base URL, the realm (the host's first label
# up to its hyphen) and the platform id. The sandbox's URL is on
# <realm>-workspace.localhost, which reaches the loopback interface (RFC
# 6761), so only the login and password come from the environment.
unset SAAGIE_URL SAAGIE_PLATFORM_ID SAAGIE_REALM
ec=(saagie --platform-url "$SAAGIE_PLATFORM_URL")
saagie_id() {
  "$BIN" "$@" -j -a id | sed -n 's/^ *"id": "\([0-9a-f-]*\)".*/\1/p' | head -n 1
}
run "${ec[@]}" platform
project=$(saagie_id "${ec[@]}" project create "Demo $(date +%s)" --description "made by make demo" --wait)
[ -n "$project" ] || { echo "project create failed" >&2; exit 1; }
echo; say "${ec[@]}" project create "Demo ..." --wait; echo "# -> project $project"
artifact="$work/hello.py"
printf 'print("hello from switchboard")\n' >"$artifact"
job=$(saagie_id "${ec[@]}" job create "$project" hello --technology python --runtime 3.10 --command "python {file}" --file "$artifact")
[ -n "$job" ] || { echo "job create failed" >&2; exit 1; }
echo; say "${ec[@]}" job create "$project" hello --technology python --runtime 3.10 --file hello.py; echo "# -> job $job"
run "${ec[@]}" job run "$job" --wait --interval 200ms
run "${ec[@]}" job list "$project"
run "${ec[@]}" env set DEMO_VAR 42 --scope PROJECT --id "$project"
run "${ec[@]}" env list --scope PROJECT --id "$project"
run "${ec[@]}" project export "$project" "$work/saagie-export"
echo
echo "\$ find $work/saagie-export -type f | sed 's|$work/||'   # saagieapi's layout"
find "$work/saagie-export" -type f | sed "s|$work/||" | sort
run "${ec[@]}" group list
