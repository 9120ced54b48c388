// Package rightscaletest is an in-memory emulator of the RightScale (Flexera)
// Cloud Management API 1.5, in the manner of net/http/httptest: tests
// start one on a loopback port, point the code under test at Server.URL
// with Server.RefreshToken, and inspect the outcome through the API. The
// same server backs the CLI's --sandbox flag and `switchboard sandbox
// serve rightscale` (which prints RIGHTSCALE_API_ENDPOINT and
// RIGHTSCALE_REFRESH_TOKEN).
//
//	srv := rightscaletest.NewServer(rightscaletest.WithDemoData())
//	t.Cleanup(srv.Close)
//	client, err := rightscale.New(srv.URL, srv.RefreshToken)
//
// Server.URL is the shard's endpoint ("http://127.0.0.1:PORT", no /api),
// as python-rightscale's api_endpoint holds it. NewServer panics when it
// cannot listen, like httptest; Listen returns the error instead.
//
// # What is reproduced
//
// Transport and authentication:
//   - X-API-Version: 1.5 on every call, the token exchange included:
//     missing is a 400, another value a 422.
//   - POST /api/oauth2 exchanges the refresh token (form or JSON body,
//     grant_type=refresh_token) for a bearer token with expires_in 7200
//     (WithTokenLifetime); Server.Exchanges counts the exchanges. A call
//     with a missing, unknown or expired token (by the WithClock clock, or
//     after ExpireTokens) is a 401. POST /api/sessions logs in with a
//     session cookie (any email, the account's href and, as password, the
//     refresh token: the emulator has no users); an expired cookie is a
//     403 "Session cookie is expired or invalid".
//   - Vendor media types application/vnd.rightscale.<type>+json, with
//     ;type=collection for lists, and ;charset=utf-8.
//   - Creates answer 201, run_executable, multi_run_executable and
//     multi_terminate 202, all with a host-relative Location and a body of
//     one space served as text/html; other mutations 204.
//   - Errors are plain text served as text/html: a missing resource is
//     422 "ResourceNotFound: Couldn't find Cloud with ID=0 " (trailing
//     space and all), failed validations 422 [["name","..."]], actions the
//     state forbids 422 "ActionNotAllowed: ...", bad parameters, filters
//     and views 400, unknown routes 404.
//   - Request bodies as JSON or as forms with Rails nesting
//     (deployment[name]=x, inputs[][name]=, tags[]=), query and body
//     merged.
//
// Collections: no paging; filter[]=field==value or field<>value, ANDed,
// on the resource's own fields: partial fields (name, description, the
// instances' addresses and DNS names, ...) match a case-insensitive
// substring, the others (hrefs, state, resource_uid, ...) the exact
// value; an unknown field is a 400, no match is 200 []. view= accepts the
// resource's views and nothing else.
//
// Modelled resources (with their behaviour):
//   - clouds (default/extended), datacenters, instance types;
//   - instances with states inactive → pending → booting → operational,
//     provisioned (stopped), shutting-down → terminated (immediate, or over
//     WithBootTime by the clock), their actions (launch, terminate, reboot,
//     start, stop, lock, unlock: a locked instance refuses terminate and
//     run_executable without ignore_lock), views default, extended, full,
//     full_inputs_2_0, tiny (the self link only) and sensitive, inputs;
//   - servers with a current_instance (launched) and a next_instance
//     (inactive), launch, terminate, reboot, clone, views default and
//     instance_detail; server arrays with current_instances, launch (count),
//     multi_run_executable, multi_terminate, clone; both also under
//     deployments;
//   - deployments (unique names, lock/unlock, clone, inputs views),
//     ServerTemplates (HEAD and committed revisions, inputs), RightScripts
//     (revision 0 is the editable HEAD, commit, source as text/plain,
//     latest_only, inputs read from the script's metadata comments);
//   - inputs of instances, deployments and ServerTemplates in both
//     notations: 2.0 values need a type prefix (text:, cred:, env:, key:,
//     array:[...]) or are inherit, ignore or blank; 1.0 lists take bare
//     values as text;
//   - tasks of run_executable (under the instance) and multi_run_executable
//     (under the array, or the first instance for the cloud's collection):
//     summaries "Querying tags", "Preparing execution", "RightScript:
//     '<name>'" (multi-instance runs "N%: ..."), then "completed: <name>",
//     or "failed: <name>" for scripts made to fail (WithScriptFailure,
//     FailScript); view=extended adds the detail (the failure's reason).
//     A task moves on one summary per read (WithTaskPolls), or by the
//     clock (WithTaskStepTime): tests need no sleeps.
//   - tags: multi_add (a machine tag replaces the value of its predicate),
//     multi_delete, by_resource, by_tag (any or match_all, ns:pred=*
//     wildcards, tags shown only with include_tags_with_prefix);
//   - sessions (default, whoami), sessions/accounts, accounts/{id},
//     health-check.
//
// Every other operation of the API description (alerts, alert specs,
// audit entries, backups, credentials, volumes, users, ...) is served by a
// generic store built from the description itself: index with the
// resource's filters and views, show, create (201 with the required
// parameters checked; attributes of the resource's own types are kept,
// *_href parameters become links), update and destroy (204), parents
// checked (422); custom actions answer their documented success and do
// nothing. AddResource stores such resources for tests.
//
// Data: WithDemoData seeds two EC2 clouds (/api/clouds/1 "EC2 us-east-1"
// with three datacenters and instance types), a ServerTemplate, the
// deployments "production" (servers haproxy and web, running, and the
// two-instance array web-array) and "staging" (server web-staging, not
// launched), the RightScripts "Hello World" (inputs GREETING and TARGET),
// "Restart haproxy" and "Check disk space" (which always fails), and a few
// tags. AddCloud, AddDatacenter, AddInstanceType, AddDeployment,
// AddServerTemplate, AddRightScript, AddServer, AddServerArray,
// AddInstance, AddTags, AddResource and SetInstanceState shape the data
// from Go; FailNext and FailNextWith inject failures of every kind package
// fault knows (error statuses with the API's plain-text body, a 429 with
// Retry-After, a connection reset after a launch, a proxy's HTML page) in
// front of the API; Faults().SetRate injects random ones, replayable with
// WithFaultSeed.
//
// # Deliberate differences
//
//   - The wording of 400, 401 and ActionNotAllowed messages, the OAuth2
//     error body (OAuth2's {"error":"invalid_grant"} JSON) and the
//     health-check body are the emulator's own: no source records them.
//   - Tasks run nothing; their detail is a one-line report. Audit entries
//     are not written for them.
//   - multi_terminate's Location names a task, as the official metadata
//     says, whose summaries ("0%: terminate N instance(s)", then
//     "completed: terminate N instance(s)") are the emulator's own: no
//     answer of the real action is recorded. On a cloud's collection the
//     task lives under the first instance terminated, and a selection of
//     no running instance is a 422.
//   - Ids are deterministic (numeric from 1001, 13-character alphanumeric
//     ids for cloud resources), not random as on the real shards.
//   - No XML, no shard redirects, one account and no users or roles.
//   - Generic resources have only the attributes they were given.
package rightscaletest
