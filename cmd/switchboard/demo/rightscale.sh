# The RightScale part of `make demo`, sourced by demo.sh (which defines
# serve, run and say). The emulator starts with its demo account (--seed):
# clouds, a production deployment with servers and an array, RightScripts.
echo
echo "== RightScale ==============================================================="
serve rightscale --seed

run rightscale list-instances --cloud "EC2 us-east-1" --deployment production -a name state href
run rightscale index servers --filter name==web -a name state href
run rightscale run-script "Hello World" --server haproxy -i GREETING=hello
# A failing script is an error (exit 1) with RightScale's own summary;
# python-rightscale's run_script_on_server never noticed.
echo
say rightscale run-script "Check disk space" --server web
if "$BIN" rightscale run-script "Check disk space" --server web; then
  echo "the failing script did not fail" >&2; exit 1
else
  echo "# exit $?"
fi
run rightscale run-script "Hello World" --array web-array -a state summary
