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
// FailNext and FailNextWith inject failures of every kind package fault
// knows (error statuses with st2's faultstring body, a 429 with
// Retry-After, a connection reset after an execution was created, a
// proxy's HTML page) in front of the services; Faults().SetRate injects
// random ones, replayable with WithFaultSeed.
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
//   - Projections: include_attributes keeps id, what was asked, and the
//     fields each controller always reads (pack and name for pack
//     content, trigger for rules, parameters, context and parts of
//     action and runner for executions), as st2 answers them.
//   - The rules engine, synchronously: a trigger instance (webhook, the
//     st2 hook, re-emit) fires every enabled rule on its trigger whose
//     criteria hold (equals, iequals, contains, icontains, ncontains,
//     incontains, startswith, endswith and their i- forms, regex,
//     matchregex, iregex, lessthan, greaterthan, inside, ninside, exists,
//     nexists; any other operator fails the rule), renders
//     {{ trigger.path }} in the action parameters, runs the action as
//     "stanley" and records a rule enforcement (failed, with the reason,
//     when the execution is refused). Traces link trigger instances,
//     rules and executions (St2-Trace-Tag, context.trace_context, parent
//     executions). Webhooks with "/" in the hook are posted to with the
//     slash raw or as %2F; GET /webhooks/{url} takes one segment only, as
//     st2 routes it, and answers st2's bare 404 "Unhandled exception".
//   - Timers (the timer triggers; GET /timers/{ref_or_id} reads any
//     trigger, as st2 does), RBAC as st2 answers with RBAC off (the three
//     system roles, permission types, no role assignments; under WithRBAC
//     one "admin" assignment per admin), the service registry as st2api
//     answers without a coordination backend (no group; members of any
//     group are a 404), SSO as st2auth answers with its default noop
//     backend (disabled; request and callback are a 500 with the
//     backend's message).
//   - The pack index: unreachable by default, as for a server without
//     Internet access (GET /packs/index and searches are a 400 "No
//     results from the index", the health reports the default index
//     "unresponsive"); WithPackIndex, and WithDemoData with three sample
//     entries, give an index to search (name and keywords first, as st2
//     ranks matches).
//   - Workflow inspection (POST /workflows/inspect, YAML as text/plain):
//     st2's own checks of task actions (ref format, registered, required
//     and unexpected inputs) and transitions to undefined tasks; orquesta's
//     expression and context inspection is not emulated.
//   - The stream: text/event-stream with a first empty heartbeat line,
//     then heartbeats (WithHeartbeat); events, action_refs,
//     execution_ids, end_event and end_execution_id filters; the
//     per-execution output stream ending in an EOF event.
//     Server.DropStreams cuts every open stream, for reconnection tests.
//
// # Deliberate differences
//
// The rules engine runs inside the request that dispatched the trigger
// (st2 does it asynchronously, so a real client must poll for the
// enforcement). Rule criteria and parameters understand plain
// {{ trigger.path }} references only: no Jinja filters, no st2kv lookups.
// Trigger instance payloads never carry the Authorization header (st2
// filters only X-Auth-Token, St2-Api-Key and Cookie). Permission type
// descriptions are the emulator's wording. The services do not also
// answer at /v1 and / on separate ports as st2's own processes do. Jinja
// in action parameters is limited to {{name}}.
package st2test
