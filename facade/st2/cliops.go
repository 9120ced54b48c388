package st2

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/st2api"
)

// ReEmitResult is the server's answer to a re-emit: its message ("Trigger
// instance <id> succesfully re-sent.", spelled so by st2) and the payload
// dispatched again, with __context.original_id naming the old instance.
type ReEmitResult struct {
	Message string         `json:"message"`
	Payload map[string]any `json:"payload,omitempty"`
}

// ReEmitTriggerInstance dispatches the payload of trigger instance id
// again, as a new instance of the same trigger (st2client's re_emit).
// The trigger instances manager is the generic one, so this lives on the
// client.
func (c *Client) ReEmitTriggerInstance(ctx context.Context, id string) (ReEmitResult, error) {
	if err := checkPathValue("trigger instance", id); err != nil {
		return ReEmitResult{}, err
	}
	resp, err := c.api.ReemitTriggerInstance(ctx, id)
	return wire.Decode[ReEmitResult](c.call("ReemitTriggerInstance"), resp, err)
}

// Search returns the packs of the pack index with any attribute matching
// query (POST /packs/index/search {"query": ...}), as `st2 pack search`.
// The entries are the index's, whose fields vary by pack: they are left
// as decoded JSON objects.
func (m *PackManager) Search(ctx context.Context, query string) ([]map[string]any, error) {
	if query == "" {
		return nil, &facade.ConfigError{Platform: platform, Setting: "pack search query", Reason: "must not be empty"}
	}
	resp, err := m.c.api.SearchPackIndex(ctx, st2api.PackSearch{Query: query})
	return wire.Decode[[]map[string]any](m.c.call("SearchPackIndex"), resp, err)
}

// Show returns the index entry of the pack named name (POST
// /packs/index/search {"pack": ...}), as `st2 pack show`; ok is false when
// the index has no such pack (the server answers an empty list).
func (m *PackManager) Show(ctx context.Context, name string) (entry map[string]any, ok bool, err error) {
	if name == "" {
		return nil, false, &facade.ConfigError{Platform: platform, Setting: "pack name", Reason: "must not be empty"}
	}
	resp, err := m.c.api.SearchPackIndex(ctx, st2api.PackSearch{Pack: name})
	raw, err := wire.Decode[json.RawMessage](m.c.call("SearchPackIndex"), resp, err)
	if err != nil {
		return nil, false, err
	}
	if err := json.Unmarshal(raw, &entry); err == nil {
		return entry, entry != nil, nil
	}
	var none []any
	if err := json.Unmarshal(raw, &none); err == nil && len(none) == 0 {
		return nil, false, nil
	}
	return nil, false, &facade.DecodeError{Platform: platform, Operation: "SearchPackIndex", Method: "POST", StatusCode: 200, Err: fmt.Errorf("want an object or an empty list")}
}

// RawKind names a kind of object for CreateRaw and UpdateRaw.
type RawKind string

// The kinds CreateRaw and UpdateRaw accept (sensors and runners: update
// only).
const (
	RawActions       RawKind = "actions"
	RawActionAliases RawKind = "actionalias"
	RawRules         RawKind = "rules"
	RawTriggerTypes  RawKind = "triggertypes"
	RawSensors       RawKind = "sensortypes"
	RawPolicies      RawKind = "policies"
	RawRunners       RawKind = "runnertypes"
)

// CreateRaw posts body, a JSON object, as a new object of kind, as is, and
// returns the server's answer as sent. It is what `st2 <resource> create
// <file>` does: fields the generated types do not model reach the server,
// which validates them. The typed managers' Create is the usual way.
func (c *Client) CreateRaw(ctx context.Context, kind RawKind, body []byte) (json.RawMessage, error) {
	var (
		resp *http.Response
		err  error
	)
	r := bytes.NewReader(body)
	switch kind {
	case RawActions:
		resp, err = c.api.CreateActionWithBody(ctx, jsonType, r)
	case RawActionAliases:
		resp, err = c.api.CreateActionAliasWithBody(ctx, jsonType, r)
	case RawRules:
		resp, err = c.api.CreateRuleWithBody(ctx, jsonType, r)
	case RawTriggerTypes:
		resp, err = c.api.CreateTriggerTypeWithBody(ctx, jsonType, r)
	case RawPolicies:
		resp, err = c.api.CreatePolicyWithBody(ctx, jsonType, r)
	default:
		return nil, fmt.Errorf("st2: create %s: %w", kind, ErrUnsupported)
	}
	return wire.Decode[json.RawMessage](c.call("Create"+rawOp[kind]), resp, err)
}

// UpdateRaw replaces the object of kind with this ref or id by body, a
// JSON object sent as is, and returns the server's answer as sent: the
// CLI's update, enable and disable, which write back what they read
// without a round trip through the generated types.
func (c *Client) UpdateRaw(ctx context.Context, kind RawKind, refOrID string, body []byte) (json.RawMessage, error) {
	if err := checkPathValue(string(kind), refOrID); err != nil {
		return nil, err
	}
	var (
		resp *http.Response
		err  error
	)
	r := bytes.NewReader(body)
	switch kind {
	case RawActions:
		resp, err = c.api.UpdateActionWithBody(ctx, refOrID, jsonType, r)
	case RawActionAliases:
		resp, err = c.api.UpdateActionAliasWithBody(ctx, refOrID, jsonType, r)
	case RawRules:
		resp, err = c.api.UpdateRuleWithBody(ctx, refOrID, jsonType, r)
	case RawTriggerTypes:
		resp, err = c.api.UpdateTriggerTypeWithBody(ctx, refOrID, jsonType, r)
	case RawSensors:
		resp, err = c.api.UpdateSensorTypeWithBody(ctx, refOrID, jsonType, r)
	case RawPolicies:
		resp, err = c.api.UpdatePolicyWithBody(ctx, refOrID, jsonType, r)
	case RawRunners:
		resp, err = c.api.UpdateRunnerTypeWithBody(ctx, refOrID, jsonType, r)
	default:
		return nil, fmt.Errorf("st2: update %s: %w", kind, ErrUnsupported)
	}
	return wire.Decode[json.RawMessage](c.call("Update"+rawOp[kind]), resp, err)
}

// rawOp names the operations of each kind, for errors.
var rawOp = map[RawKind]string{
	RawActions: "Action", RawActionAliases: "ActionAlias", RawRules: "Rule",
	RawTriggerTypes: "TriggerType", RawSensors: "SensorType", RawPolicies: "Policy", RawRunners: "RunnerType",
}

// jsonType is the content type of the raw calls.
const jsonType = "application/json"
