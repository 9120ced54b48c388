package st2

import "github.com/switchboard-go/switchboard/gen/st2api"

// The objects of the API, as the generated client models them (from
// specs/st2/api/openapi.yaml). Optional fields are plain values with
// omitempty, except booleans whose false must reach the server (enabled),
// which are pointers: use [Bool].
type (
	// Action is a registered action.
	Action = st2api.Action
	// ActionAlias is a ChatOps alias.
	ActionAlias = st2api.ActionAlias
	// Execution is one run of an action.
	Execution = st2api.Execution
	// ExecutionStatus is an execution's state; see [Completed].
	ExecutionStatus = st2api.ExecutionStatus
	// ExecutionCreate is the full request to run an action.
	ExecutionCreate = st2api.ExecutionCreate
	// Rule connects a trigger to an action.
	Rule = st2api.Rule
	// RuleTrigger is a rule's trigger part.
	RuleTrigger = st2api.RuleTrigger
	// RuleAction is a rule's action part.
	RuleAction = st2api.RuleAction
	// TriggerType is a kind of trigger (the CLI's "trigger").
	TriggerType = st2api.TriggerType
	// Trigger is a trigger type with parameters.
	Trigger = st2api.Trigger
	// TriggerInstance is one occurrence of a trigger.
	TriggerInstance = st2api.TriggerInstance
	// KeyValuePair is a datastore entry.
	KeyValuePair = st2api.KeyValuePair
	// Pack is an installed pack.
	Pack = st2api.Pack
	// SensorType is a sensor.
	SensorType = st2api.SensorType
	// Policy is an action policy.
	Policy = st2api.Policy
	// PolicyType is a kind of policy.
	PolicyType = st2api.PolicyType
	// RunnerType is a runner.
	RunnerType = st2api.RunnerType
	// Inquiry is a workflow's question to a human.
	Inquiry = st2api.Inquiry
	// APIKey is an API key (Key is set only in the create answer).
	APIKey = st2api.APIKey
	// UserInfo describes the caller.
	UserInfo = st2api.UserInfo
	// Tag is a name/value tag.
	Tag = st2api.Tag
	// ParameterSpec describes one action or runner parameter.
	ParameterSpec = st2api.ParameterSpec
	// AliasMatch is the alias a command matched.
	AliasMatch = st2api.AliasMatch
	// AliasExecution is an execution started through an alias.
	AliasExecution = st2api.AliasExecution
	// AliasExecuteRequest is a chat command to match and run.
	AliasExecuteRequest = st2api.AliasMatchAndExecuteRequest
)

// List filters, the generated parameter types: set the filters, leave
// Limit and Offset to List (Page takes them as arguments).
type (
	// ActionListOptions filters actions (name, pack, tags, id).
	ActionListOptions = st2api.ListActionsParams
	// AliasListOptions filters aliases.
	AliasListOptions = st2api.ListActionAliasesParams
	// ExecutionListOptions filters executions (action, status, parent...).
	ExecutionListOptions = st2api.ListExecutionsParams
	// RuleListOptions filters rules.
	RuleListOptions = st2api.ListRulesParams
	// TriggerTypeListOptions filters trigger types.
	TriggerTypeListOptions = st2api.ListTriggerTypesParams
	// TriggerInstanceListOptions filters trigger instances.
	TriggerInstanceListOptions = st2api.ListTriggerInstancesParams
	// PackListOptions filters packs.
	PackListOptions = st2api.ListPacksParams
	// SensorListOptions filters sensors.
	SensorListOptions = st2api.ListSensorTypesParams
	// PolicyListOptions filters policies.
	PolicyListOptions = st2api.ListPoliciesParams
	// PolicyTypeListOptions filters policy types.
	PolicyTypeListOptions = st2api.ListPolicyTypesParams
	// RunnerListOptions filters runners.
	RunnerListOptions = st2api.ListRunnerTypesParams
	// InquiryListOptions filters inquiries.
	InquiryListOptions = st2api.ListInquiriesParams
	// APIKeyListOptions filters API keys.
	APIKeyListOptions = st2api.ListAPIKeysParams
)

// Execution statuses.
const (
	StatusRequested = st2api.StatusRequested
	StatusScheduled = st2api.StatusScheduled
	StatusDelayed   = st2api.StatusDelayed
	StatusRunning   = st2api.StatusRunning
	StatusPending   = st2api.StatusPending
	StatusPausing   = st2api.StatusPausing
	StatusPaused    = st2api.StatusPaused
	StatusResuming  = st2api.StatusResuming
	StatusCanceling = st2api.StatusCanceling
	StatusSucceeded = st2api.StatusSucceeded
	StatusFailed    = st2api.StatusFailed
	StatusTimeout   = st2api.StatusTimeout
	StatusAbandoned = st2api.StatusAbandoned
	StatusCanceled  = st2api.StatusCanceled
)

// Completed reports whether s is final: succeeded, failed, timeout,
// canceled or abandoned. paused is not.
func Completed(s ExecutionStatus) bool {
	switch s {
	case StatusSucceeded, StatusFailed, StatusTimeout, StatusCanceled, StatusAbandoned:
		return true
	}
	return false
}

// Failed reports whether s is a failed final state: failed, timeout or
// abandoned.
func Failed(s ExecutionStatus) bool {
	return s == StatusFailed || s == StatusTimeout || s == StatusAbandoned
}

// Bool returns a pointer to b, for the optional booleans (Enabled).
func Bool(b bool) *bool { return &b }

// String returns a pointer to s, for list filters.
func String(s string) *string { return &s }
