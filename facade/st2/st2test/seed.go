package st2test

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Seeder adds data to a Server as if it had been registered from packs on
// disk or created through the API. It is only valid inside the function
// given to WithSeed or Server.Seed. Its methods panic on data the server
// would refuse: seeds are test code, and a panic names the broken seed.
type Seeder struct {
	s   *Server
	st  *state
	now time.Time
}

// Seed runs fn with exclusive access to the server's data.
func (s *Server) Seed(fn func(*Seeder)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sd := &Seeder{s: s, st: s.st, now: s.now()}
	fn(sd)
	s.st.advance(sd.now)
}

// Pack registers a pack (actions can only be created in a known pack).
func (sd *Seeder) Pack(ref, description, version string) {
	if sd.st.packs.byRef(ref) == nil {
		sd.st.addPack(ref, description, version, sd.now)
	}
}

func (st *state) addPack(ref, description, version string, now time.Time) doc {
	p := doc{
		"id": st.newID(now), "ref": ref, "uid": "pack:" + ref, "name": ref, "description": description,
		"keywords": []any{}, "version": version, "author": "StackStorm, Inc.", "email": "info@stackstorm.com",
		"contributors": []any{}, "files": []any{"pack.yaml"}, "dependencies": []any{}, "system": doc{},
		"path": "/opt/stackstorm/packs/" + ref, "stackstorm_version": ">=3.0.0", "python_versions": []any{"3"},
	}
	st.packs.add(p)
	if st.files[ref] == nil {
		st.files[ref] = map[string]string{}
	}
	st.files[ref]["pack.yaml"] = fmt.Sprintf("---\nref: %s\nname: %s\ndescription: %s\nversion: %s\n", ref, ref, description, version)
	return p
}

// Action registers an action (its pack is created if missing).
func (sd *Seeder) Action(a Action) {
	if a.Pack == "" {
		a.Pack = "default"
	}
	sd.Pack(a.Pack, "Pack "+a.Pack, "1.0.0")
	enabled := true
	if a.Enabled != nil {
		enabled = *a.Enabled
	}
	params := a.Parameters
	if params == nil {
		params = map[string]any{}
	}
	tags := a.Tags
	if tags == nil {
		tags = []any{}
	}
	ref := a.Pack + "." + a.Name
	if old := sd.st.actions.byRef(ref); old != nil {
		sd.st.actions.remove(str(old["id"]))
	}
	if sd.st.runnerByName(a.RunnerType) == nil {
		panic(fmt.Sprintf("st2test: seed: action %s: unknown runner type %q", ref, a.RunnerType))
	}
	sd.st.actions.add(doc{
		"id": sd.st.newID(sd.now), "ref": ref, "uid": "action:" + a.Pack + ":" + a.Name, "name": a.Name, "pack": a.Pack,
		"description": a.Description, "enabled": enabled, "runner_type": a.RunnerType, "entry_point": a.EntryPoint,
		"parameters": clone(params), "tags": clone(tags), "notify": doc{}, "output_schema": doc{},
		"metadata_file": "actions/" + a.Name + ".yaml",
	})
}

// Handler makes ref run fn (see ActionFunc).
func (sd *Seeder) Handler(ref string, fn ActionFunc) { sd.st.handlers[ref] = fn }

// User adds a user who can log in with password.
func (sd *Seeder) User(name, password string) { sd.st.users[name] = password }

// Key sets a system-scoped key; secret ones are encrypted like the real
// datastore's.
func (sd *Seeder) Key(name, value string, secret bool) {
	sd.st.keys = append(sd.st.keys, &kvPair{id: sd.st.newID(sd.now), scope: systemScope, name: name, value: value, secret: secret})
}

// UserKey sets a key in user's scope.
func (sd *Seeder) UserKey(user, name, value string) {
	sd.st.keys = append(sd.st.keys, &kvPair{id: sd.st.newID(sd.now), scope: userScope, name: name, user: user, value: value})
}

// Run starts an execution of ref as the first user and returns its id.
func (sd *Seeder) Run(ref string, params map[string]any) string {
	if params == nil {
		params = map[string]any{}
	}
	d, err := sd.st.newExecution(sd.now, execRequest{ref: ref, params: params, user: sd.s.Username})
	if err != nil {
		panic(fmt.Sprintf("st2test: seed: run %s: %v", ref, err))
	}
	sd.st.advance(sd.now)
	return str(d["id"])
}

// sp is a parameter schema entry.
func sp(typ, desc string, extra ...any) map[string]any {
	p := map[string]any{"type": typ, "description": desc}
	for i := 0; i+1 < len(extra); i += 2 {
		p[extra[i].(string)] = extra[i+1]
	}
	return p
}

// base is what a fresh install has: runners, the core pack, the system
// trigger types, rule and policy types, the users and the API key.
func (sd *Seeder) base() error {
	st := sd.st
	shellParams := map[string]any{
		"cmd":           sp("string", "Arbitrary Linux command to be executed on the host."),
		"cwd":           sp("string", "Working directory where the command will be executed in"),
		"env":           sp("object", "Environment variables which will be available to the command(e.g. key1=val1,key2=val2)"),
		"kwarg_op":      sp("string", "Operator to use in front of keyword args i.e. \"--\" or \"-\".", "default", "--"),
		"sudo":          sp("boolean", "The command will be executed with sudo.", "default", false),
		"sudo_password": sp("string", "Sudo password. To be used when paswordless sudo is not allowed.", "secret", true, "required", false),
		"timeout":       sp("integer", "Action timeout in seconds. Action will get killed if it doesn't finish in timeout seconds.", "default", 60.0),
	}
	remoteParams := map[string]any{}
	for k, v := range shellParams {
		remoteParams[k] = clone(v)
	}
	remoteParams["hosts"] = sp("string", "A comma delimited string of a list of hosts where the remote command will be executed.", "required", true)
	remoteParams["username"] = sp("string", "Username used to log-in. If not provided, default username from config is used.")
	remoteParams["password"] = sp("string", "Password used to log in. If not provided, private key from the config file is used.", "secret", true)
	remoteParams["private_key"] = sp("string", "Private key material or path to the private key file on disk used to log in.", "secret", true)
	remoteParams["port"] = sp("integer", "SSH port. Note: This parameter is used only in ParamikoSSHRunner.", "default", 22.0)
	remoteParams["parallel"] = sp("boolean", "Default to parallel execution.", "default", true, "immutable", true)
	scriptParams := map[string]any{}
	for k, v := range shellParams {
		if k != "cmd" {
			scriptParams[k] = clone(v)
		}
	}
	runners := []struct {
		name, desc string
		params     map[string]any
	}{
		{"noop", "A runner which does nothing.", map[string]any{}},
		{"local-shell-cmd", "A runner to execute local actions as a fixed user.", shellParams},
		{"local-shell-script", "A runner to execute local actions as a fixed user.", scriptParams},
		{"remote-shell-cmd", "A remote execution runner that executes commands on remote hosts concurrently.", remoteParams},
		{"python-script", "A runner for launching python actions.", map[string]any{
			"env":     sp("object", "Environment variables which will be available to the script."),
			"timeout": sp("integer", "Action timeout in seconds. Action will get killed if it doesn't finish in timeout seconds.", "default", 600.0),
		}},
		{"http-request", "A HTTP client for running HTTP actions.", map[string]any{
			"url":     sp("string", "URL to the HTTP endpoint.", "required", true),
			"method":  sp("string", "HTTP method to use.", "default", "GET", "enum", []any{"HEAD", "GET", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "PURGE"}),
			"headers": sp("object", "HTTP headers for the request."),
			"body":    sp("string", "Body to send with the request"),
			"timeout": sp("number", "Timeout for the HTTP request.", "default", 60.0),
		}},
		{"orquesta", "A runner for executing orquesta workflow.", map[string]any{}},
		{"action-chain", "A runner for launching linear action chains.", map[string]any{}},
		{"inquirer", "This runner provides the core logic for Inquiries.", map[string]any{
			"schema": sp("object", "JSON schema that will be used to validate the response data.", "default", map[string]any{
				"type": "object", "required": []any{"continue"},
				"properties": map[string]any{"continue": map[string]any{"type": "boolean", "description": "Would you like to continue the workflow?"}},
			}),
			"roles": sp("array", "A list of roles that are permitted to respond to the action (if nothing provided, all are permitted) - REQUIRES ENTERPRISE FEATURES", "default", []any{}),
			"users": sp("array", "A list of users that are permitted to respond to the action (if nothing provided, all are permitted)", "default", []any{}),
			"route": sp("string", "An arbitrary value for allowing for different notification routing", "default", ""),
			"ttl":   sp("integer", "Time (in minutes) that an unacknowledged Inquiry is cleaned up", "default", 1440.0),
		}},
	}
	for _, r := range runners {
		st.runners.add(doc{
			"id": st.newID(sd.now), "uid": "runner_type:" + r.name, "name": r.name, "description": r.desc, "enabled": true,
			"runner_package": strings.ReplaceAll(r.name, "-", "_") + "_runner", "runner_module": strings.ReplaceAll(r.name, "-", "_"),
			"runner_parameters": r.params, "output_key": "result", "output_schema": doc{},
		})
	}
	for _, p := range []struct{ ref, desc string }{
		{"core", "Basic core actions."}, {"default", "Default pack where all resources created using the API with no pack specified get saved."},
		{"packs", "Pack management functionality."}, {"linux", "Generic Linux actions"}, {"chatops", "ChatOps integration pack"},
	} {
		sd.Pack(p.ref, p.desc, "3.10dev")
	}
	sd.Action(Action{Pack: "core", Name: "noop", RunnerType: "noop", Description: "Action that does nothing"})
	sd.Action(Action{Pack: "core", Name: "echo", RunnerType: "local-shell-cmd", Description: "Action that executes the Linux echo command on the localhost.",
		Parameters: map[string]any{
			"message":       sp("string", "The message that the command will echo.", "required", true),
			"cmd":           sp("string", "Arbitrary Linux command to be executed on the local host.", "required", true, "default", `echo "{{message}}"`, "immutable", true),
			"kwarg_op":      map[string]any{"immutable": true},
			"sudo":          map[string]any{"default": false, "immutable": true},
			"sudo_password": map[string]any{"immutable": true},
		}})
	sd.Action(Action{Pack: "core", Name: "local", RunnerType: "local-shell-cmd", Description: "Action that executes an arbitrary Linux command on the localhost.",
		Parameters: map[string]any{
			"cmd":  sp("string", "Arbitrary Linux command to be executed on the local host.", "required", true),
			"sudo": map[string]any{"immutable": true},
		}})
	sd.Action(Action{Pack: "core", Name: "remote", RunnerType: "remote-shell-cmd", Description: "Action to execute arbitrary linux command remotely.",
		Parameters: map[string]any{
			"cmd":  sp("string", "Arbitrary Linux command to be executed on the remote host(s).", "required", true),
			"sudo": map[string]any{"immutable": true},
		}})
	sd.Action(Action{Pack: "core", Name: "pause", RunnerType: "python-script", EntryPoint: "pause.py", Description: "Action to pause current thread of workflow/sub-workflow.",
		Parameters: map[string]any{
			"max_pause": sp("integer", "Maximum length of time to pause (Seconds)", "required", true, "position", 0.0),
			"random":    sp("boolean", "Randomize pause for current flow/sub-flow to a max of max_pause. ", "required", false, "default", false, "position", 1.0),
		}})
	sd.Action(Action{Pack: "core", Name: "ask", RunnerType: "inquirer", Description: "Action for initiating an Inquiry (usually in a workflow)"})
	sd.Action(Action{Pack: "core", Name: "http", RunnerType: "http-request", Description: "Action that performs an http request."})
	sd.Action(Action{Pack: "packs", Name: "install", RunnerType: "python-script", EntryPoint: "pack_mgmt/download.py", Description: "Installs or upgrades a pack into local content repository.",
		Parameters: map[string]any{"packs": sp("array", "Name of the pack in Exchange or a git repo URL.", "required", true, "items", map[string]any{"type": "string"})}})
	sd.Action(Action{Pack: "packs", Name: "uninstall", RunnerType: "python-script", EntryPoint: "pack_mgmt/unload.py", Description: "Uninstall packs.",
		Parameters: map[string]any{"packs": sp("array", "Name of the packs to uninstall.", "required", true, "items", map[string]any{"type": "string"})}})
	sd.st.files["core"]["actions/pause.py"] = "import time\n\nfrom st2common.runners.base_action import Action\n\n\nclass PauseAction(Action):\n    def run(self, max_pause, random):\n        time.sleep(max_pause)\n        return max_pause\n"

	for _, tt := range []struct {
		name, desc string
		params     map[string]any
	}{
		{"st2.webhook", "Trigger type for registering webhooks that can consume arbitrary payload.", map[string]any{"type": "object", "properties": map[string]any{"url": map[string]any{"type": "string", "required": true}}, "additionalProperties": false}},
		{"st2.IntervalTimer", "Triggers on specified intervals. e.g. every 30s, 1week etc.", map[string]any{"type": "object", "properties": map[string]any{"unit": map[string]any{"enum": []any{"weeks", "days", "hours", "minutes", "seconds"}, "required": true}, "delta": map[string]any{"type": "integer", "required": true}}, "additionalProperties": false}},
		{"st2.DateTimer", "Triggers exactly once when the current time matches the specified time. e.g. timezone:UTC date:2014-12-31 23:59:59.", map[string]any{"type": "object", "properties": map[string]any{"timezone": map[string]any{"type": "string"}, "date": map[string]any{"type": "string", "required": true}}, "additionalProperties": false}},
		{"st2.CronTimer", "Triggers whenever current time matches the specified time constaints like a UNIX cron scheduler.", map[string]any{"type": "object", "properties": map[string]any{"timezone": map[string]any{"type": "string"}, "minute": map[string]any{"anyOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}}}, "additionalProperties": false}},
		{"st2.generic.actiontrigger", "Trigger encapsulating the completion of an action execution.", nil},
		{"st2.generic.notifytrigger", "Notification trigger.", nil},
		{"st2.key_value_pair.create", "Trigger encapsulating datastore item creation.", nil},
		{"st2.key_value_pair.update", "Trigger encapsulating datastore set action.", nil},
		{"st2.key_value_pair.value_change", "Trigger encapsulating a change of datastore item value.", nil},
		{"st2.key_value_pair.delete", "Trigger encapsulating datastore item deletion.", nil},
	} {
		sd.TriggerType("core", tt.name, tt.desc, tt.params)
	}
	for _, rt := range []struct{ name, desc string }{
		{"standard", "standard rule that is always applicable."},
		{"backstop", "Rule that applies when no other rule has matched for a specific Trigger."},
	} {
		st.ruleTypes.add(doc{"id": st.newID(sd.now), "name": rt.name, "description": rt.desc, "enabled": true, "parameters": doc{}})
	}
	for _, pt := range []struct{ name, desc string }{
		{"concurrency", "Limits the concurrent executions for the action."},
		{"concurrency.attr", "Limits the concurrent executions for the action given the attributes."},
		{"retry", "Retry policy."},
	} {
		st.policyTypes.add(doc{
			"id": st.newID(sd.now), "ref": "action." + pt.name, "uid": "policy_type:action:" + pt.name, "name": pt.name,
			"resource_type": "action", "description": pt.desc, "enabled": true, "module": "st2actions.policies." + strings.ReplaceAll(pt.name, ".", "_"),
			"parameters": doc{"threshold": doc{"type": "integer", "required": true}},
		})
	}
	st.sensors.add(doc{
		"id": st.newID(sd.now), "ref": "linux.FileWatchSensor", "uid": "sensor_type:linux:FileWatchSensor", "name": "FileWatchSensor",
		"pack": "linux", "class_name": "FileWatchSensor", "description": "Sensor which monitors files for new lines",
		"artifact_uri": "file:///opt/stackstorm/packs/linux/sensors/file_watch_sensor.py", "entry_point": "linux.sensors.file_watch_sensor.FileWatchSensor",
		"enabled": true, "trigger_types": []any{"linux.file_watch.line"}, "metadata_file": "sensors/file_watch_sensor.yaml",
	})
	sd.TriggerType("linux", "file_watch.line", "Trigger which indicates a new line has been detected", nil)
	for i, u := range sd.s.cfg.users {
		sd.User(u.name, u.password)
		if i == 0 {
			st.addAPIKey(sd.s.cfg.apiKey, u.name, map[string]any{"used_by": "st2test"}, true, sd.now)
		}
	}
	for ref, h := range sd.s.cfg.handlers {
		if h.action != nil && st.actions.byRef(ref) == nil {
			a := *h.action
			a.Pack, a.Name, _ = strings.Cut(ref, ".")
			if a.RunnerType == "" {
				a.RunnerType = "python-script"
			}
			sd.Action(a)
		}
		sd.Handler(ref, h.fn)
	}
	return nil
}

// TriggerType registers a trigger type, and its shadow trigger when it
// takes no parameters.
func (sd *Seeder) TriggerType(pack, name, description string, parametersSchema map[string]any) {
	st := sd.st
	if parametersSchema == nil {
		parametersSchema = map[string]any{}
	}
	ref := pack + "." + name
	st.triggerTypes.add(doc{
		"id": st.newID(sd.now), "ref": ref, "uid": "trigger_type:" + pack + ":" + name, "name": name, "pack": pack,
		"description": description, "payload_schema": doc{}, "parameters_schema": clone(parametersSchema), "tags": []any{},
	})
	if len(parametersSchema) == 0 {
		st.triggers.add(doc{"id": st.newID(sd.now), "ref": ref, "uid": "trigger:" + pack + ":" + name, "name": name, "pack": pack, "type": ref, "parameters": doc{}})
	}
}

// demoIndex is the small pack index of WithDemoData: three entries shaped
// like the exchange's (not its content). It is built when asked for, not
// at package init, which every program linking st2test pays.
func demoIndex() map[string]map[string]any {
	return map[string]map[string]any{
		"aws": {"name": "aws", "ref": "aws", "description": "st2 content pack containing Amazon Web Services integrations.",
			"keywords": []any{"aws", "amazon web services", "amazon", "ec2", "s3"}, "version": "2.0.0", "author": "StackStorm, Inc.",
			"email": "info@stackstorm.com", "repo_url": "https://github.com/StackStorm-Exchange/stackstorm-aws"},
		"github": {"name": "github", "ref": "github", "description": "st2 content pack containing GitHub integrations.",
			"keywords": []any{"github", "git", "scm"}, "version": "2.1.0", "author": "StackStorm, Inc.",
			"email": "info@stackstorm.com", "repo_url": "https://github.com/StackStorm-Exchange/stackstorm-github"},
		"slack": {"name": "slack", "ref": "slack", "description": "st2 content pack containing Slack integrations.",
			"keywords": []any{"slack", "chat", "chatops"}, "version": "2.2.0", "author": "StackStorm, Inc.",
			"email": "info@stackstorm.com", "repo_url": "https://github.com/StackStorm-Exchange/stackstorm-slack"},
	}
}

// demo is the data set of WithDemoData.
func (sd *Seeder) demo() error {
	st := sd.st
	sd.Pack("examples", "This pack contains examples of StackStorm content.", "1.0.0")
	sd.Action(Action{Pack: "examples", Name: "greet", RunnerType: "python-script", EntryPoint: "greet.py",
		Description: "Greets someone, one line of output per greeting.",
		Parameters: map[string]any{
			"name":  sp("string", "Who to greet.", "required", true),
			"count": sp("integer", "How many times.", "default", 1.0),
		}})
	sd.Handler("examples.greet", func(ctx context.Context, p map[string]any) (any, error) {
		n := int(num(p["count"]))
		for range n {
			fmt.Fprintf(Stdout(ctx), "Hello, %s!\n", str(p["name"]))
		}
		return map[string]any{"greeted": p["name"], "times": n}, nil
	})
	sd.Action(Action{Pack: "examples", Name: "sequence", RunnerType: "orquesta", EntryPoint: "workflows/sequence.yaml",
		Description: "A workflow of three tasks: echo, pause, echo. It can be paused and resumed between tasks.",
		Parameters: map[string]any{
			"name":  sp("string", "Who to greet.", "required", true),
			"pause": sp("integer", "Seconds to pause between the tasks.", "default", 2.0),
		}})
	sd.Handler("examples.sequence", func(ctx context.Context, p map[string]any) (any, error) {
		first, err := RunChild(ctx, "task1", "core.echo", map[string]any{"message": "Hello, " + str(p["name"])})
		if err != nil {
			return nil, err
		}
		if _, err := RunChild(ctx, "task2", "core.pause", map[string]any{"max_pause": p["pause"]}); err != nil {
			return nil, err
		}
		last, err := RunChild(ctx, "task3", "core.echo", map[string]any{"message": "Bye, " + str(p["name"])})
		if err != nil {
			return nil, err
		}
		return map[string]any{"output": map[string]any{"greeting": first["stdout"], "farewell": last["stdout"]}}, nil
	})
	st.files["examples"]["actions/workflows/sequence.yaml"] = "version: 1.0\n\ninput:\n  - name\n  - pause\n\ntasks:\n  task1:\n    action: core.echo message=\"Hello, <% ctx().name %>\"\n    next:\n      - when: <% succeeded() %>\n        do: task2\n  task2:\n    action: core.pause max_pause=<% ctx().pause %>\n    next:\n      - when: <% succeeded() %>\n        do: task3\n  task3:\n    action: core.echo message=\"Bye, <% ctx().name %>\"\n"

	sd.Key("demo.greeting", "hello", false)
	sd.Key("demo.password", "s3cr3t", true)
	sd.UserKey(sd.s.Username, "demo.theme", "dark")

	hook := "echo"
	trig := doc{"id": st.newID(sd.now), "ref": "core." + newUUID(), "type": "core.st2.webhook", "parameters": doc{"url": hook}}
	trig["name"] = strings.TrimPrefix(str(trig["ref"]), "core.")
	trig["pack"] = "core"
	trig["uid"] = "trigger:core:" + str(trig["name"])
	st.triggers.add(trig)
	st.rules.add(doc{
		"id": st.newID(sd.now), "ref": "examples.webhook_echo", "uid": "rule:examples:webhook_echo", "name": "webhook_echo", "pack": "examples",
		"description": "Echo the message posted to the echo webhook.", "enabled": true,
		"type":     doc{"ref": "standard", "parameters": doc{}},
		"trigger":  doc{"type": "core.st2.webhook", "parameters": doc{"url": hook}, "ref": trig["ref"]},
		"criteria": doc{"trigger.body.message": doc{"type": "exists"}},
		"action":   doc{"ref": "core.echo", "parameters": doc{"message": "{{ trigger.body.message }}"}},
		"context":  doc{}, "tags": []any{}, "metadata_file": "rules/webhook_echo.yaml",
	})
	st.aliases.add(doc{
		"id": st.newID(sd.now), "ref": "examples.greet", "uid": "action_alias:examples:greet", "name": "greet", "pack": "examples",
		"description": "Greet someone.", "enabled": true, "action_ref": "examples.greet",
		"formats": []any{"greet {{name}}", doc{"display": "greet <name> <count> times", "representation": []any{"greet {{name}} {{count}} times"}}},
		"ack":     doc{"enabled": true, "format": "Greeting on its way."}, "result": doc{"enabled": true}, "extra": doc{}, "immutable_parameters": doc{},
	})
	st.policies.add(doc{
		"id": st.newID(sd.now), "ref": "examples.sequence.concurrency", "uid": "policy:examples:sequence.concurrency", "name": "sequence.concurrency",
		"pack": "examples", "description": "Limit the sequence workflow to two runs at a time.", "enabled": true,
		"resource_ref": "examples.sequence", "policy_type": "action.concurrency", "parameters": doc{"threshold": 2.0, "action": "delay"},
	})
	st.configs["examples"] = doc{"greeting_style": "friendly"}
	st.schemas["examples"] = doc{"greeting_style": doc{"type": "string", "description": "How to greet.", "default": "friendly"}}
	sd.Run("core.local", map[string]any{"cmd": "date"})
	sd.Run("core.echo", map[string]any{"message": "Hello from the st2 sandbox"})
	sd.Run("core.local", map[string]any{"cmd": "exit 3"})
	return nil
}
