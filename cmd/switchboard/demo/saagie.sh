# The Saagie part of `make demo`, sourced by demo.sh (which defines serve,
# run and say). Saagie ids are UUIDs, so this part captures them itself.
echo "== Saagie ==================================================================="
serve saagie
# EasyConnect: the platform URL a user copies from the browser. The
# emulator's loopback host carries no realm, so SAAGIE_REALM supplies it.
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
