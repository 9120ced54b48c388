// Package st2test is an in-memory emulator of StackStorm's three HTTP
// services (st2auth, st2api and st2stream, as st2 3.x serves them), in the
// manner of net/http/httptest. Tests start one on a loopback port, point
// the code under test at its URLs, and inspect the outcome through the
// API. The same server backs the CLI's --sandbox flag and
// `switchboard sandbox serve st2`.
//
// # Use in a test
//
//	srv := st2test.NewServer(st2test.WithActionHandler("my.deploy", &st2test.Action{
//		Parameters: map[string]any{"env": map[string]any{"type": "string", "required": true}},
//	}, func(ctx context.Context, p map[string]any) (any, error) {
//		fmt.Fprintln(st2test.Stdout(ctx), "deploying to", p["env"])
//		return map[string]any{"ok": true}, nil
//	}))
//	t.Cleanup(srv.Close)
//	// ST2_AUTH_URL=srv.AuthURL ST2_API_URL=srv.APIURL ST2_STREAM_URL=srv.StreamURL
//	// ST2_API_KEY=srv.APIKey, or log in as srv.Username / srv.Password.
//
// One server serves the public (nginx) layout: /auth/v1, /api/v1 and
// /stream/v1 under Server.URL (ST2_BASE_URL). NewServer panics when it
// cannot start, like httptest; Listen returns the error instead.
//
// # Time and the execution lifecycle
//
// WithClock gives the server its clock; everything time-related follows
// it: token and key expiry, timestamps, scheduling delays
// (WithSchedulingDelays), simulated durations ("sleep 5" runs five
// seconds of the clock, core.pause max_pause seconds) and the runner
// timeout parameter. Executions move on at every request, at every tick
// of a background ticker (WithTickInterval, 20ms of real time by default;
// 0 turns it off), and when Server.Tick is called. An execution goes
// requested -> scheduled -> running -> succeeded, failed or timeout
// (delayed first when "delay" is given; pending for core.ask); DELETE
// makes a running one canceling then canceled, a queued one canceled at
// once. Workflows (runner orquesta or action-chain) can be paused and
// resumed: the emulator pauses them between tasks (see RunChild). Every
// change is published on the stream as st2.execution__create/update and
// st2.liveaction__create/update; output as st2.execution.output__create.
//
// # Actions
//
// The core pack has core.noop, core.echo, core.local, core.remote,
// core.pause, core.ask and core.http with their real parameters (runner
// parameters merged, immutable ones refused, defaults and {{param}}
// references applied). Without a handler, actions are simulated by
// runner: the shell runners understand echo, sleep N, true, false, exit N
// and date, and answer anything else with a result whose stdout says
// "[st2test] simulated, not executed: <cmd>". No command is ever run
// unless the server was started WithShellExecution and listens on
// loopback (Listen refuses otherwise with ErrShellNotLoopback); then
// core.local and core.remote run /bin/sh -c cmd on this machine.
// WithActionHandler and Seeder.Handler run Go code instead (ActionFunc,
// with Stdout, Stderr and RunChild for output and workflow tasks).
//
// # What is reproduced
//
//   - Authentication: POST /auth/v1/tokens with basic auth (401 "Invalid
//     or missing credentials", 400 for a ttl above WithTokenTTL), tokens
//     with expiry, API keys (stored as SHA-256, can be disabled), the
//     schemes in the server's order (token header, key header, token
//     query, key query, auth-token cookie; the first present decides) and
//     its 401 messages.
//   - Errors: {"faultstring": ...} with st2's messages, 409 with
//     conflict-id, 404 for unknown routes; cancelling a finished
//     execution answers 200 with a faultstring.
//   - Lists: each endpoint's default limit, offset and sort as declared
//     by the real server, X-Total-Count (not on /keys) and X-Limit,
//     limit=-1 (everything), 0 and <= -2 refused, 403 above
//     WithMaxPageSize for non-admins under WithRBAC, include/exclude
//     attributes (dotted paths; /executions excludes only result,
//     trigger_instance and status).
//   - Resources: actions (clone, views), executions (re-run, pause,
//     resume, cancel, output, result, attribute, children, filters),
//     rules (with their trigger), rule types, trigger types, triggers,
//     trigger instances (re-emit), keys (system/user scopes, secrets
//     encrypted with a per-server key, decrypt, pre-encrypted values,
//     ttl), action aliases (match, help, execute), sensors, runners,
//     packs (install/uninstall as executions, register, files), configs
//     and config schemas, policies and policy types, webhooks (st2 and
//     registered hooks), inquiries (respond, validated against the
//     schema) and API keys.
//   - The stream: text/event-stream with a first empty heartbeat line,
//     then heartbeats (WithHeartbeat); events, action_refs,
//     execution_ids, end_event and end_execution_id filters; the
//     per-execution output stream ending in an EOF event.
//     Server.DropStreams cuts every open stream, for reconnection tests.
//
// # Deliberate differences
//
// No rules engine (webhooks and re-emits record trigger instances but
// fire no rule), no RBAC beyond admin checks, no pack index, no traces,
// timers, rule enforcements, service registry, workflow inspection or
// SSO (404). The services do not also answer at /v1 and / on separate
// ports as st2's own processes do. Jinja is limited to {{name}}.
package st2test
