package st2

import (
	"context"
	"net/http"

	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/st2api"
)

// initManagers binds every manager to the generated client's operations.
func (c *Client) initManagers() {
	a := c.api
	c.Actions = &ActionManager{Manager: newManager(c, binding[Action, ActionListOptions]{
		kind: "action", plural: "Actions",
		list: func(ctx context.Context, q ActionListOptions, limit, offset *int) (*http.Response, error) {
			q.Limit, q.Offset = limit, offset
			return a.ListActions(ctx, &q)
		},
		get:    func(ctx context.Context, id string) (*http.Response, error) { return a.GetAction(ctx, id) },
		create: func(ctx context.Context, v Action) (*http.Response, error) { return a.CreateAction(ctx, v) },
		update: func(ctx context.Context, id string, v Action) (*http.Response, error) {
			return a.UpdateAction(ctx, id, v)
		},
		del: func(ctx context.Context, id string) (*http.Response, error) {
			return a.DeleteAction(ctx, id, st2api.ActionDelete{})
		},
		key:    func(v Action) string { return v.ID },
		byName: func(n string) ActionListOptions { return ActionListOptions{Name: &n} },
		name:   func(v Action) string { return v.Name },
		ref:    func(v Action) string { return v.Ref },
	})}
	c.ActionAliases = &AliasManager{Manager: newManager(c, binding[ActionAlias, AliasListOptions]{
		kind: "action alias", plural: "ActionAliases",
		list: func(ctx context.Context, q AliasListOptions, limit, offset *int) (*http.Response, error) {
			q.Limit, q.Offset = limit, offset
			return a.ListActionAliases(ctx, &q)
		},
		get:    func(ctx context.Context, id string) (*http.Response, error) { return a.GetActionAlias(ctx, id) },
		create: func(ctx context.Context, v ActionAlias) (*http.Response, error) { return a.CreateActionAlias(ctx, v) },
		update: func(ctx context.Context, id string, v ActionAlias) (*http.Response, error) {
			return a.UpdateActionAlias(ctx, id, v)
		},
		del:    func(ctx context.Context, id string) (*http.Response, error) { return a.DeleteActionAlias(ctx, id) },
		key:    func(v ActionAlias) string { return v.ID },
		byName: func(n string) AliasListOptions { return AliasListOptions{Name: &n} },
		name:   func(v ActionAlias) string { return v.Name },
		ref:    func(v ActionAlias) string { return v.Ref },
	})}
	c.Executions = &ExecutionManager{Manager: newManager(c, binding[Execution, ExecutionListOptions]{
		kind: "execution", plural: "Executions",
		list: func(ctx context.Context, q ExecutionListOptions, limit, offset *int) (*http.Response, error) {
			q.Limit, q.Offset = limit, offset
			return a.ListExecutions(ctx, &q)
		},
		get: func(ctx context.Context, id string) (*http.Response, error) {
			return a.GetExecution(ctx, id, &st2api.GetExecutionParams{})
		},
		create: func(ctx context.Context, v Execution) (*http.Response, error) {
			return a.CreateExecution(ctx, &st2api.CreateExecutionParams{}, ExecutionCreate{
				Action: v.Action.Ref, Parameters: v.Parameters, Context: v.Context, Delay: v.Delay,
			})
		},
		key:  func(v Execution) string { return v.ID },
		name: func(v Execution) string { return v.ID },
		ref:  func(v Execution) string { return v.ID },
	})}
	c.Rules = newManager(c, binding[Rule, RuleListOptions]{
		kind: "rule", plural: "Rules", mode: pageNone,
		list: func(ctx context.Context, q RuleListOptions, limit, _ *int) (*http.Response, error) {
			q.Limit = limit
			return a.ListRules(ctx, &q)
		},
		get: func(ctx context.Context, id string) (*http.Response, error) {
			return a.GetRule(ctx, id, &st2api.GetRuleParams{})
		},
		create: func(ctx context.Context, v Rule) (*http.Response, error) { return a.CreateRule(ctx, v) },
		update: func(ctx context.Context, id string, v Rule) (*http.Response, error) { return a.UpdateRule(ctx, id, v) },
		del:    func(ctx context.Context, id string) (*http.Response, error) { return a.DeleteRule(ctx, id) },
		key:    func(v Rule) string { return v.ID },
		byName: func(n string) RuleListOptions { return RuleListOptions{Name: &n} },
		name:   func(v Rule) string { return v.Name },
		ref:    func(v Rule) string { return v.Ref },
	})
	c.TriggerTypes = newManager(c, binding[TriggerType, TriggerTypeListOptions]{
		kind: "trigger type", plural: "TriggerTypes",
		list: func(ctx context.Context, q TriggerTypeListOptions, limit, offset *int) (*http.Response, error) {
			q.Limit, q.Offset = limit, offset
			return a.ListTriggerTypes(ctx, &q)
		},
		get:    func(ctx context.Context, id string) (*http.Response, error) { return a.GetTriggerType(ctx, id) },
		create: func(ctx context.Context, v TriggerType) (*http.Response, error) { return a.CreateTriggerType(ctx, v) },
		update: func(ctx context.Context, id string, v TriggerType) (*http.Response, error) {
			return a.UpdateTriggerType(ctx, id, v)
		},
		del:    func(ctx context.Context, id string) (*http.Response, error) { return a.DeleteTriggerType(ctx, id) },
		key:    func(v TriggerType) string { return v.ID },
		byName: func(n string) TriggerTypeListOptions { return TriggerTypeListOptions{Name: &[]string{n}} },
		name:   func(v TriggerType) string { return v.Name },
		ref:    func(v TriggerType) string { return v.Ref },
	})
	c.Triggers = newManager(c, binding[Trigger, struct{}]{
		kind: "trigger", plural: "Triggers", mode: pageNone,
		list:   func(ctx context.Context, _ struct{}, _, _ *int) (*http.Response, error) { return a.ListTriggers(ctx) },
		get:    func(ctx context.Context, id string) (*http.Response, error) { return a.GetTrigger(ctx, id) },
		create: func(ctx context.Context, v Trigger) (*http.Response, error) { return a.CreateTrigger(ctx, v) },
		update: func(ctx context.Context, id string, v Trigger) (*http.Response, error) {
			return a.UpdateTrigger(ctx, id, v)
		},
		del:  func(ctx context.Context, id string) (*http.Response, error) { return a.DeleteTrigger(ctx, id) },
		key:  func(v Trigger) string { return v.ID },
		name: func(v Trigger) string { return v.Name },
		ref:  func(v Trigger) string { return v.Ref },
	})
	c.TriggerInstances = newManager(c, binding[TriggerInstance, TriggerInstanceListOptions]{
		kind: "trigger instance", plural: "TriggerInstances",
		list: func(ctx context.Context, q TriggerInstanceListOptions, limit, offset *int) (*http.Response, error) {
			q.Limit, q.Offset = limit, offset
			return a.ListTriggerInstances(ctx, &q)
		},
		get:  func(ctx context.Context, id string) (*http.Response, error) { return a.GetTriggerInstance(ctx, id) },
		key:  func(v TriggerInstance) string { return v.ID },
		name: func(v TriggerInstance) string { return v.ID },
		ref:  func(v TriggerInstance) string { return v.ID },
	})
	c.Keys = &KeyManager{c: c}
	c.Packs = &PackManager{Manager: newManager(c, binding[Pack, PackListOptions]{
		kind: "pack", plural: "Packs",
		list: func(ctx context.Context, q PackListOptions, limit, offset *int) (*http.Response, error) {
			q.Limit, q.Offset = limit, offset
			return a.ListPacks(ctx, &q)
		},
		get:    func(ctx context.Context, id string) (*http.Response, error) { return a.GetPack(ctx, id) },
		key:    func(v Pack) string { return v.ID },
		byName: func(n string) PackListOptions { return PackListOptions{Name: &n} },
		name:   func(v Pack) string { return v.Name },
		ref:    func(v Pack) string { return v.Ref },
	})}
	c.Sensors = newManager(c, binding[SensorType, SensorListOptions]{
		kind: "sensor", plural: "SensorTypes", mode: pageNone,
		list: func(ctx context.Context, q SensorListOptions, limit, _ *int) (*http.Response, error) {
			q.Limit = limit
			return a.ListSensorTypes(ctx, &q)
		},
		get: func(ctx context.Context, id string) (*http.Response, error) { return a.GetSensorType(ctx, id) },
		update: func(ctx context.Context, id string, v SensorType) (*http.Response, error) {
			return a.UpdateSensorType(ctx, id, v)
		},
		key:    func(v SensorType) string { return v.ID },
		byName: func(n string) SensorListOptions { return SensorListOptions{Name: &n} },
		name:   func(v SensorType) string { return v.Name },
		ref:    func(v SensorType) string { return v.Ref },
	})
	c.Policies = newManager(c, binding[Policy, PolicyListOptions]{
		kind: "policy", plural: "Policies",
		list: func(ctx context.Context, q PolicyListOptions, limit, offset *int) (*http.Response, error) {
			q.Limit, q.Offset = limit, offset
			return a.ListPolicies(ctx, &q)
		},
		get:    func(ctx context.Context, id string) (*http.Response, error) { return a.GetPolicy(ctx, id) },
		create: func(ctx context.Context, v Policy) (*http.Response, error) { return a.CreatePolicy(ctx, v) },
		update: func(ctx context.Context, id string, v Policy) (*http.Response, error) {
			return a.UpdatePolicy(ctx, id, v)
		},
		del:    func(ctx context.Context, id string) (*http.Response, error) { return a.DeletePolicy(ctx, id) },
		key:    func(v Policy) string { return v.ID },
		byName: func(n string) PolicyListOptions { return PolicyListOptions{Name: &n} },
		name:   func(v Policy) string { return v.Name },
		ref:    func(v Policy) string { return v.Ref },
	})
	c.PolicyTypes = newManager(c, binding[PolicyType, PolicyTypeListOptions]{
		kind: "policy type", plural: "PolicyTypes",
		list: func(ctx context.Context, q PolicyTypeListOptions, limit, offset *int) (*http.Response, error) {
			q.Limit, q.Offset = limit, offset
			return a.ListPolicyTypes(ctx, &q)
		},
		get:    func(ctx context.Context, id string) (*http.Response, error) { return a.GetPolicyType(ctx, id) },
		key:    func(v PolicyType) string { return v.ID },
		byName: func(n string) PolicyTypeListOptions { return PolicyTypeListOptions{Name: &[]string{n}} },
		name:   func(v PolicyType) string { return v.Name },
		ref:    func(v PolicyType) string { return v.Ref },
	})
	c.Runners = newManager(c, binding[RunnerType, RunnerListOptions]{
		kind: "runner", plural: "RunnerTypes",
		list: func(ctx context.Context, q RunnerListOptions, limit, offset *int) (*http.Response, error) {
			q.Limit, q.Offset = limit, offset
			return a.ListRunnerTypes(ctx, &q)
		},
		get: func(ctx context.Context, id string) (*http.Response, error) { return a.GetRunnerType(ctx, id) },
		update: func(ctx context.Context, id string, v RunnerType) (*http.Response, error) {
			return a.UpdateRunnerType(ctx, id, v)
		},
		key:    func(v RunnerType) string { return v.ID },
		byName: func(n string) RunnerListOptions { return RunnerListOptions{Name: &[]string{n}} },
		name:   func(v RunnerType) string { return v.Name },
		ref:    func(v RunnerType) string { return v.Name },
	})
	c.Inquiries = &InquiryManager{Manager: newManager(c, binding[Inquiry, InquiryListOptions]{
		kind: "inquiry", plural: "Inquiries", mode: pageLimitAll,
		list: func(ctx context.Context, q InquiryListOptions, limit, _ *int) (*http.Response, error) {
			q.Limit = limit
			return a.ListInquiries(ctx, &q)
		},
		get:  func(ctx context.Context, id string) (*http.Response, error) { return a.GetInquiry(ctx, id) },
		key:  func(v Inquiry) string { return v.ID },
		name: func(v Inquiry) string { return v.ID },
		ref:  func(v Inquiry) string { return v.ID },
	})}
	c.APIKeys = newManager(c, binding[APIKey, APIKeyListOptions]{
		kind: "API key", plural: "APIKeys",
		list: func(ctx context.Context, q APIKeyListOptions, limit, offset *int) (*http.Response, error) {
			q.Limit, q.Offset = limit, offset
			return a.ListAPIKeys(ctx, &q)
		},
		get: func(ctx context.Context, id string) (*http.Response, error) {
			return a.GetAPIKey(ctx, id, &st2api.GetAPIKeyParams{})
		},
		create: func(ctx context.Context, v APIKey) (*http.Response, error) { return a.CreateAPIKey(ctx, v) },
		update: func(ctx context.Context, id string, v APIKey) (*http.Response, error) {
			return a.UpdateAPIKey(ctx, id, v)
		},
		del:  func(ctx context.Context, id string) (*http.Response, error) { return a.DeleteAPIKey(ctx, id) },
		key:  func(v APIKey) string { return v.ID },
		name: func(v APIKey) string { return v.ID },
		ref:  func(v APIKey) string { return v.ID },
	})
	c.Stream = &StreamClient{c: c}
}

// ActionManager manages actions: the generic operations plus clone,
// entry point, merged parameters and delete with files.
type ActionManager struct {
	*Manager[Action, ActionListOptions]
}

// Clone copies the action ref into destPack as destAction (201);
// overwrite replaces an existing destination.
func (m *ActionManager) Clone(ctx context.Context, ref, destPack, destAction string, overwrite bool) (Action, error) {
	if err := checkPathValue("action", ref); err != nil {
		return Action{}, err
	}
	resp, err := m.c.api.CloneAction(ctx, ref, st2api.ActionClone{DestPack: destPack, DestAction: destAction, Overwrite: overwrite})
	return wire.Decode[Action](m.c.call("CloneAction"), resp, err)
}

// DeleteWithFiles deletes the action and, when removeFiles is set, its
// files in the pack.
func (m *ActionManager) DeleteWithFiles(ctx context.Context, refOrID string, removeFiles bool) error {
	if err := checkPathValue("action", refOrID); err != nil {
		return err
	}
	resp, err := m.c.api.DeleteAction(ctx, refOrID, st2api.ActionDelete{RemoveFiles: removeFiles})
	return wire.NoContent(m.c.call("DeleteAction"), resp, err)
}

// EntryPoint returns the content of the action's entry-point file.
func (m *ActionManager) EntryPoint(ctx context.Context, refOrID string) (string, error) {
	if err := checkPathValue("action", refOrID); err != nil {
		return "", err
	}
	resp, err := m.c.api.GetActionEntryPoint(ctx, refOrID)
	return readText(m.c.call("GetActionEntryPoint"), resp, err)
}

// Parameters returns the action's parameters merged with its runner's.
func (m *ActionManager) Parameters(ctx context.Context, refOrID string) (map[string]ParameterSpec, error) {
	if err := checkPathValue("action", refOrID); err != nil {
		return nil, err
	}
	resp, err := m.c.api.GetActionParameters(ctx, refOrID)
	v, err := wire.Decode[st2api.ActionParametersView](m.c.call("GetActionParameters"), resp, err)
	return v.Parameters, err
}

// AliasManager manages ChatOps aliases: the generic operations plus match
// and execute.
type AliasManager struct {
	*Manager[ActionAlias, AliasListOptions]
}

// Match returns the one alias command matches; no match or several are a
// 400 (facade.ErrValidation) whose message says which.
func (m *AliasManager) Match(ctx context.Context, command string) (AliasMatch, error) {
	resp, err := m.c.api.MatchActionAlias(ctx, st2api.AliasMatchRequest{Command: command})
	return wire.Decode[AliasMatch](m.c.call("MatchActionAlias"), resp, err)
}

// Execute matches req.Command and runs the action behind the alias (201).
func (m *AliasManager) Execute(ctx context.Context, req AliasExecuteRequest) ([]AliasExecution, error) {
	resp, err := m.c.api.MatchAndExecuteActionAlias(ctx, &st2api.MatchAndExecuteActionAliasParams{}, req)
	v, err := wire.Decode[st2api.AliasExecutionResults](m.c.call("MatchAndExecuteActionAlias"), resp, err)
	return v.Results, err
}

// InquiryManager reads and answers inquiries.
type InquiryManager struct {
	*Manager[Inquiry, InquiryListOptions]
}

// Respond answers the inquiry; the server validates response against the
// inquiry's schema (400 otherwise) and the caller against its users and
// roles (403).
func (m *InquiryManager) Respond(ctx context.Context, id string, response map[string]any) error {
	if err := checkPathValue("inquiry", id); err != nil {
		return err
	}
	if response == nil {
		response = map[string]any{}
	}
	resp, err := m.c.api.RespondToInquiry(ctx, id, st2api.InquiryResponse{ID: id, Response: response})
	_, err = wire.Decode[st2api.InquiryResponse](m.c.call("RespondToInquiry"), resp, err)
	return err
}

// PackManager reads packs and installs, removes and registers them.
type PackManager struct {
	*Manager[Pack, PackListOptions]
}

// Install installs packs (names, name=version or git URLs) through the
// packs.install action and returns its execution id (202): follow it with
// Executions.Wait.
func (m *PackManager) Install(ctx context.Context, packs []string, force, skipDependencies bool) (string, error) {
	resp, err := m.c.api.InstallPacks(ctx, st2api.PackInstall{Packs: packs, Force: force, SkipDependencies: skipDependencies})
	v, err := wire.Decode[st2api.PackAsyncResult](m.c.call("InstallPacks"), resp, err)
	return v.ExecutionID, err
}

// Uninstall removes packs through packs.uninstall; see Install.
func (m *PackManager) Uninstall(ctx context.Context, packs []string) (string, error) {
	resp, err := m.c.api.UninstallPacks(ctx, st2api.PackUninstall{Packs: packs})
	v, err := wire.Decode[st2api.PackAsyncResult](m.c.call("UninstallPacks"), resp, err)
	return v.ExecutionID, err
}

// Register registers the content of packs (all when empty) of the given
// types (all when empty) and returns the counts per type.
func (m *PackManager) Register(ctx context.Context, packs, types []string) (map[string]int, error) {
	resp, err := m.c.api.RegisterPacks(ctx, st2api.PackRegister{Packs: packs, Types: types})
	v, err := wire.Decode[st2api.PackRegisterResult](m.c.call("RegisterPacks"), resp, err)
	return v, err
}
