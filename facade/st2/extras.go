package st2

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/st2api"
)

// More objects of the API.
type (
	// Webhook is a registered webhook: the core.st2.webhook trigger
	// behind it, whose parameters["url"] is the hook.
	Webhook = st2api.Webhook
	// Trace links the trigger instances, rules and executions of one
	// activity.
	Trace = st2api.Trace
	// RuleEnforcement records one rule firing for a trigger instance.
	RuleEnforcement = st2api.RuleEnforcement
	// PackConfig is a pack's configuration values.
	PackConfig = st2api.PackConfig
	// TraceListOptions filters traces (trace_tag, execution, rule,
	// trigger_instance).
	TraceListOptions = st2api.ListTracesParams
	// RuleEnforcementListOptions filters rule enforcements (rule_ref,
	// rule_id, execution, trigger_instance, enforced_at_gt/lt).
	RuleEnforcementListOptions = st2api.ListRuleEnforcementsParams
	// TimerListOptions filters timers by type (core.st2.IntervalTimer,
	// core.st2.DateTimer, core.st2.CronTimer).
	TimerListOptions = st2api.ListTimersParams
	// PackConfigListOptions pages pack configs.
	PackConfigListOptions = st2api.ListPackConfigsParams
)

// initExtras binds the managers added after the first release.
func (c *Client) initExtras() {
	a := c.api
	c.Webhooks = &WebhookManager{Manager: newManager(c, binding[Webhook, struct{}]{
		kind: "webhook", plural: "Webhooks", mode: pageNone,
		list: func(ctx context.Context, _ struct{}, _, _ *int) (*http.Response, error) { return a.ListWebhooks(ctx) },
		get:  func(ctx context.Context, hook string) (*http.Response, error) { return a.GetWebhook(ctx, hook) },
		key:  func(v Webhook) string { return webhookHook(v) },
		name: func(v Webhook) string { return webhookHook(v) },
		ref:  func(v Webhook) string { return webhookHook(v) },
	})}
	c.Traces = newManager(c, binding[Trace, TraceListOptions]{
		kind: "trace", plural: "Traces",
		list: func(ctx context.Context, q TraceListOptions, limit, offset *int) (*http.Response, error) {
			q.Limit, q.Offset = limit, offset
			return a.ListTraces(ctx, &q)
		},
		get:    func(ctx context.Context, id string) (*http.Response, error) { return a.GetTrace(ctx, id) },
		key:    func(v Trace) string { return v.ID },
		byName: func(tag string) TraceListOptions { return TraceListOptions{TraceTag: &tag} },
		name:   func(v Trace) string { return v.TraceTag },
		ref:    func(v Trace) string { return v.ID },
	})
	c.RuleEnforcements = newManager(c, binding[RuleEnforcement, RuleEnforcementListOptions]{
		kind: "rule enforcement", plural: "RuleEnforcements",
		list: func(ctx context.Context, q RuleEnforcementListOptions, limit, offset *int) (*http.Response, error) {
			q.Limit, q.Offset = limit, offset
			return a.ListRuleEnforcements(ctx, &q)
		},
		get:  func(ctx context.Context, id string) (*http.Response, error) { return a.GetRuleEnforcement(ctx, id) },
		key:  func(v RuleEnforcement) string { return v.ID },
		name: func(v RuleEnforcement) string { return v.ID },
		ref:  func(v RuleEnforcement) string { return v.ID },
	})
	c.Timers = newManager(c, binding[Trigger, TimerListOptions]{
		kind: "timer", plural: "Timers", mode: pageNone,
		list: func(ctx context.Context, q TimerListOptions, _, _ *int) (*http.Response, error) {
			return a.ListTimers(ctx, &q)
		},
		get:  func(ctx context.Context, id string) (*http.Response, error) { return a.GetTimer(ctx, id) },
		key:  func(v Trigger) string { return v.ID },
		name: func(v Trigger) string { return v.Name },
		ref:  func(v Trigger) string { return v.Ref },
	})
	c.PackConfigs = &PackConfigManager{Manager: newManager(c, binding[PackConfig, PackConfigListOptions]{
		kind: "pack config", plural: "PackConfigs",
		list: func(ctx context.Context, q PackConfigListOptions, limit, offset *int) (*http.Response, error) {
			q.Limit, q.Offset = limit, offset
			return a.ListPackConfigs(ctx, &q)
		},
		get: func(ctx context.Context, pack string) (*http.Response, error) {
			return a.GetPackConfig(ctx, pack, &st2api.GetPackConfigParams{})
		},
		key:  func(v PackConfig) string { return v.Pack },
		name: func(v PackConfig) string { return v.Pack },
		ref:  func(v PackConfig) string { return v.Pack },
	})}
}

// webhookHook is the hook of a webhook trigger.
func webhookHook(v Webhook) string {
	if v.URL != "" {
		return v.URL
	}
	u, _ := v.Parameters["url"].(string)
	return strings.Trim(u, "/")
}

// WebhookManager lists the registered webhooks and posts to them. Get
// takes a hook without "/": st2 routes GET /webhooks/{url} on one path
// segment only, so a hook such as "github/push" can be posted to and
// listed, not read alone (List and filter instead).
type WebhookManager struct {
	*Manager[Webhook, struct{}]
}

// PostOptions are the options of a webhook post.
type PostOptions struct {
	// TraceTag is sent as St2-Trace-Tag: the trace of the resulting
	// trigger instances, rule enforcements and executions gets this tag
	// (the server makes one up otherwise).
	TraceTag string
}

// Post fires the webhook hook with body (any JSON value: an object, an
// array...), as an HTTP client of the hook would; the server answers 202
// and dispatches one trigger instance per trigger registered for the
// hook. hook may contain "/" (e.g. "github/push"): it is sent
// percent-encoded in one path segment, which the server decodes. A hook
// nobody registered is a 404 (facade.ErrNotFound).
func (m *WebhookManager) Post(ctx context.Context, hook string, body any, opts PostOptions) error {
	hook = strings.Trim(hook, "/")
	if hook == "" || strings.ContainsAny(hook, "?#") || hook == "." || hook == ".." {
		return &facade.ConfigError{Platform: platform, Setting: "webhook", Value: hook, Reason: "must be a non-empty hook without '?' or '#'"}
	}
	return m.post(ctx, hook, body, opts)
}

// PostTrigger dispatches trigger (a trigger type or trigger ref) with
// payload through the system webhook "st2", as st2client's
// post_generic_webhook does. An unknown trigger is a 400.
func (m *WebhookManager) PostTrigger(ctx context.Context, trigger string, payload map[string]any, opts PostOptions) error {
	if trigger == "" {
		return &facade.ConfigError{Platform: platform, Setting: "trigger", Reason: "must not be empty"}
	}
	if payload == nil {
		payload = map[string]any{}
	}
	return m.post(ctx, "st2", map[string]any{"trigger": trigger, "payload": payload}, opts)
}

func (m *WebhookManager) post(ctx context.Context, hook string, body any, opts PostOptions) error {
	call := m.c.call("PostWebhook")
	b, err := json.Marshal(body)
	if err != nil {
		return call.ConversionError(nil, err)
	}
	params := &st2api.PostWebhookParams{}
	if opts.TraceTag != "" {
		params.St2TraceTag = &opts.TraceTag
	}
	resp, err := m.c.api.PostWebhookWithBody(ctx, hook, params, "application/json", bytes.NewReader(b))
	_, err = wire.Decode[json.RawMessage](call, resp, err)
	return err
}

// PackConfigManager reads and writes pack configurations (/configs).
// Get takes the pack's ref.
type PackConfigManager struct {
	*Manager[PackConfig, PackConfigListOptions]
}

// Set replaces the configuration of pack with values (validated by the
// server against the pack's config schema) and returns the stored copy.
func (m *PackConfigManager) Set(ctx context.Context, pack string, values map[string]any) (PackConfig, error) {
	if err := checkPathValue("pack", pack); err != nil {
		return PackConfig{}, err
	}
	if values == nil {
		values = map[string]any{}
	}
	resp, err := m.c.api.SetPackConfig(ctx, pack, &st2api.SetPackConfigParams{}, values)
	return wire.Decode[PackConfig](m.c.call("SetPackConfig"), resp, err)
}
