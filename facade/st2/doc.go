// Package st2 is the StackStorm facade: typed access to the three st2
// services (auth, API, stream) with st2client's configuration and
// semantics.
//
// Configuration is read as st2client reads it ([LoadConfig],
// [NewFromEnv]): ST2_BASE_URL, ST2_AUTH_URL, ST2_API_URL, ST2_STREAM_URL,
// ST2_API_VERSION, ST2_CACERT, ST2_AUTH_TOKEN, ST2_API_KEY,
// ST2_CONFIG_FILE and ~/.st2/config ([general], [cli], [credentials],
// [api], [auth], [stream]), explicit settings first, then the environment,
// then the file. Without explicit service URLs they are derived from the
// base URL: <base>:9100, <base>:9101/v1, <base>:9102/v1 (or
// <base>/auth/v1, /api/v1, /stream/v1 with Config.Proxy).
//
// Credentials: a token, an API key, or a user and password exchanged for
// a token at <auth>/tokens, cached in ~/.st2/token-<user> (mode 0600,
// treated as expired 15 s early) and renewed automatically, also after a
// 401.
//
// Every kind of object has a manager ([Manager]): List (an iter.Seq2 over
// limit/offset pages), Page (one page and X-Total-Count), Count, Query,
// Get (by ref or id; facade.ErrNotFound), GetByName (an *AmbiguousError
// when several packs have the name), Create, Update, Delete. Executions
// add Run, Wait (polling with backoff until succeeded, failed, timeout,
// canceled or abandoned), Tail (live output), TailWorkflow (with the
// output of a workflow's tasks), Cancel, Pause, Resume, ReRun, Children
// and Output; webhooks add Post and PostTrigger (hooks may contain "/");
// pack configs add Set; the stream client ([StreamClient.Listen]) filters
// events and reconnects.
//
// Mapping from st2client:
//
//	client.actions.get_all()             c.Actions.List(ctx, st2.ActionListOptions{})
//	client.actions.get_by_ref_or_id(r)   c.Actions.Get(ctx, r)
//	client.actions.get_by_name(n)        c.Actions.GetByName(ctx, n)
//	client.actions.query_with_count(...) c.Actions.Page(ctx, q, limit, offset)
//	client.executions.create(...)        c.Executions.Run(ctx, ref, params)
//	client.executions.re_run(...)        c.Executions.ReRun(ctx, id, st2.ReRunOptions{...})
//	client.executions.delete_by_id(id)   c.Executions.Cancel(ctx, id)
//	client.keys.update(KeyValuePair)     c.Keys.Set(ctx, st2.KeyValuePairSet{...})
//	client.inquiries.respond(id, r)      c.Inquiries.Respond(ctx, id, r)
//	client.webhooks.post_generic_webhook c.Webhooks.PostTrigger(ctx, trigger, payload, opts)
//	client.trace.get_all(trace_tag=t)    c.Traces.Query(ctx, st2.TraceListOptions{TraceTag: &t})
//	stream.listen(events)                c.Stream.Listen(ctx, st2.ListenOptions{Events: ...})
//
// Deliberate differences from st2client: TLS certificates are always
// verified (st2client does not verify https without a CA bundle; use
// facade.WithInsecureSkipVerify() by name); the environment ranks above the
// config file (the st2 CLI ranks the file above it); Delete and key Get of
// a missing object return an error matching facade.ErrNotFound instead of
// success or an empty list; the token cache file is 0600 instead of 0660.
package st2
