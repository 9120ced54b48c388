# The StackStorm part of `make demo`, sourced by demo.sh (which defines
# serve, run and say). The emulator's core.local and core.echo simulate
# their command (echo, date, true, false, exit N, sleep N) without running
# anything on this machine.
echo "== StackStorm (st2) ========================================================="
serve st2
run st2 action list -p core
# st2 run waits for the execution (a progress line on stderr when it is a terminal),
# then prints its result as the st2 CLI does.
run st2 run core.echo "message=Hello from switchboard"
run st2 run core.local "cmd=echo one two" -k stdout
run st2 run core.local cmd=date -j
echo
say st2 run core.local "cmd=exit 3"
rc=0
"$BIN" st2 run core.local "cmd=exit 3" || rc=$?
echo "# exit code $rc: the execution failed"
[ "$rc" = 1 ] || { echo "st2 run of a failing command should exit with 1, not $rc" >&2; exit 1; }
run st2 execution list -n 5
run st2 execution get last -a id action.ref status result.stdout
run st2 key set greeting "hello, st2" --ttl 3600
run st2 key get greeting
run st2 key set api_password s3cr3t --encrypt
run st2 key list --prefix greet
run st2 key get api_password --decrypt -a name value secret

# The drop-in st2 binary (cmd/st2) reads the same ST2_* variables the
# emulator printed, as the Python st2 CLI would.
ST2=${ST2:-$(dirname "$BIN")/st2}
if [ -x "$ST2" ]; then
  echo
  echo "\$ st2 key list -a name value"
  "$ST2" key list -a name value
  echo
  echo "\$ st2 execution list -n 3 -tg 2000-01-01T00:00:00Z -a id action.ref status"
  "$ST2" execution list -n 3 -tg 2000-01-01T00:00:00Z -a id action.ref status
fi
echo
echo "Done: every command above ran against the in-memory StackStorm emulator."
