package st2cmd_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/cmd/internal/golden/transcript"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// The resource commands (rule, trigger, trigger-instance, sensor, pack,
// policy, policy-type, inquiry, action-alias, and action and key beyond
// list/get/set/delete) join goldenCases, so that TestGolden checks them
// and TestEveryCommandHasAGolden counts them. Each run has its own
// sandbox: a create, update or delete shows the server's answer; the
// cases that need state across runs (inquiries, trigger instances) are in
// TestGoldenResourcesServer.
func init() { goldenCases = append(goldenCases, resourceCases...) }

// uuidRule masks the random UUID names of the sandbox's webhook trigger.
var uuidRule = transcript.Replace(regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`), "uuuuuuuu-uuuu-uuuu-uuuu-uuuuuuuuuuuu")

const files = "testdata/files/"

var resourceCases = []transcript.Case{
	{Name: "rule_list", Runs: formats(sb("rule", "list")...)},
	{Name: "rule_list_variants", Runs: tty(
		sb("rule", "list", "-p", "examples", "-c", "core.echo", "--enabled"),
		sb("rule", "list", "-g", "core.st2.webhook"),
		sb("rule", "list", "--disabled"),
		sb("rule", "list", "-a", "ref", "criteria", "-w", "30", "40"),
		sb("rule", "list", "-n", "1", "-a", "ref", "trigger.type"),
		sb("rule", "list", "-n", "0"),
		sb("rule", "list", "--enabled", "--disabled"),
	)},
	{Name: "rule_get_variants", Runs: tty(
		sb("rule", "get", "nope.missing"),
		sb("rule", "get", "examples.webhook_echo", "nope.missing", "-a", "ref", "action.ref", "trigger.type"),
	)},
	{Name: "rule_errors", Runs: tty(
		sb("rule", "create", files+"rule.txt"),
		sb("rule", "create", files+"nope.yaml"),
		sb("rule", "create", files+"keys.yaml"),
		sb("rule", "create"),
		sb("rule", "update", "examples.webhook_echo", files+"rule_wrong_id.yaml"),
		sb("rule", "update", "nope.missing", files+"rule_update.json"),
		sb("rule", "enable", "nope.missing"),
		sb("rule", "disable", "nope.missing"),
		sb("trigger", "getspecs", "core.st2.CronTimer"),
	)},
	{Name: "rule_delete", Runs: tty(
		sb("rule", "delete", "examples.webhook_echo"),
		sb("rule", "delete", "nope.missing"),
	)},

	{Name: "trigger_list", Runs: formats(sb("trigger", "list", "-p", "linux")...)},
	{Name: "trigger_list_variants", Runs: tty(
		sb("trigger", "list"),
		sb("trigger", "list", "-p", "nope"),
	)},
	{Name: "trigger_get", Runs: append(formats(sb("trigger", "get", "core.st2.webhook")...), tty(
		sb("trigger", "get", "nope.missing"),
	)...)},
	{Name: "trigger_crud", Runs: tty(
		sb("trigger", "create", files+"trigger.yaml"),
		sb("trigger", "update", "linux.file_watch.line", files+"trigger.yaml"),
		sb("trigger", "delete", "linux.file_watch.line"),
		sb("trigger", "delete", "nope.missing"),
	)},

	{Name: "sensor_list", Runs: formats(sb("sensor", "list")...)},
	{Name: "sensor_get", Runs: append(formats(sb("sensor", "get", "linux.FileWatchSensor")...), tty(
		sb("sensor", "get", "nope.missing"),
	)...)},
	{Name: "sensor_enable", Runs: tty(
		sb("sensor", "disable", "linux.FileWatchSensor"),
		sb("sensor", "enable", "linux.FileWatchSensor", "-j"),
		sb("sensor", "disable", "nope.missing"),
	)},

	{Name: "pack_list", Runs: formats(sb("pack", "list")...)},
	{Name: "pack_get", Runs: append(formats(sb("pack", "get", "examples")...), tty(
		sb("pack", "get", "nope"),
		sb("pack", "get", "core", "-a", "ref", "version", "path"),
	)...)},
	{Name: "pack_search", Runs: append(formats(sb("pack", "search", "StackStorm")...), tty(
		sb("pack", "search", "no-such-pack"),
		sb("pack", "search", "git", "-a", "name", "keywords"),
	)...)},
	{Name: "pack_install", Runs: tty(
		sb("pack", "install", "github"),
		sb("pack", "install", "github", "https://github.com/StackStorm-Exchange/stackstorm-slack.git", "-a", "ref", "version"),
		sb("pack", "install", "github", "-j"),
		sb("pack", "remove", "examples"),
		sb("pack", "remove", "examples", "linux", "-y"),
		sb("pack", "register"),
		sb("pack", "register", "examples", "--types", "actions,rules", "-j"),
		sb("pack", "install"),
	)},
	{Name: "pack_show", Runs: tty(
		sb("pack", "show", "github"),
		sb("pack", "show", "github", "-y"),
		sb("pack", "show", "nope"),
	)},

	{Name: "policy_list", Runs: formats(sb("policy", "list")...)},
	{Name: "policy_list_variants", Runs: tty(
		sb("policy", "list", "-r", "examples.sequence", "--policy-type", "action.concurrency"),
		sb("policy", "list", "--policy-type", "action.retry"),
		sb("policy", "list", "-pt", "action.retry"),
	)},
	{Name: "policy_get", Runs: append(formats(sb("policy", "get", "examples.sequence.concurrency")...), tty(
		sb("policy", "get", "nope.missing"),
	)...)},
	{Name: "policy_crud", Runs: tty(
		sb("policy", "create", files+"policy.yaml"),
		sb("policy", "update", "examples.sequence.concurrency", files+"policy_update.yaml"),
		sb("policy", "delete", "examples.sequence.concurrency"),
		sb("policy", "delete", "nope.missing"),
		sb("policy", "disable", "examples.sequence.concurrency"),
		sb("policy", "enable", "examples.sequence.concurrency", "-j"),
	)},
	{Name: "policy_type", Runs: append(append(formats(sb("policy-type", "list")...),
		formats(sb("policy-type", "get", "action.retry")...)...), tty(
		sb("policy-type", "list", "-r", "nope"),
		sb("policy-type", "get", "nope.missing"),
	)...)},

	{Name: "inquiry_sandbox", Runs: tty(
		sb("inquiry", "list"),
		sb("inquiry", "get", "000000000000000000000000"),
		sb("inquiry", "respond", "000000000000000000000000", "-r", `{"continue": true}`),
		sb("inquiry", "respond", "000000000000000000000000", "-r", `[1]`),
	)},
	{Name: "trigger_instance_sandbox", Runs: tty(
		sb("trigger-instance", "list"),
		sb("trigger-instance", "get", "000000000000000000000000"),
		sb("trigger-instance", "re-emit", "000000000000000000000000"),
	)},

	{Name: "alias_list", Runs: formats(sb("action-alias", "list")...)},
	{Name: "alias_get", Runs: append(formats(sb("action-alias", "get", "examples.greet")...), tty(
		sb("action-alias", "get", "nope.missing"),
	)...)},
	{Name: "alias_crud", Runs: tty(
		sb("action-alias", "create", files+"alias.yaml"),
		sb("action-alias", "update", "greet", files+"alias.yaml"),
		sb("action-alias", "delete", "greet"),
		sb("action-alias", "delete", "nope"),
	)},
	{Name: "alias_match", Runs: append(formats(sb("action-alias", "match", "greet Ada")...), tty(
		sb("action-alias", "match", "greet Ada 3 times", "-a", "ref", "action_ref"),
		sb("action-alias", "match", "dance"),
		sb("action-alias", "execute", "greet Ada"),
		sb("action-alias", "execute", "dance"),
	)...)},

	{Name: "action_crud", Runs: tty(
		sb("action", "create", files+"action.yaml"),
		sb("action", "update", "examples.greet", files+"action_update.yaml"),
		sb("action", "delete", "examples.greet"),
		sb("action", "delete", "nope.missing", "-r"),
		sb("action", "disable", "examples.greet"),
		sb("action", "enable", "examples.greet", "-j"),
		sb("action", "clone", "examples.greet", "examples", "greet2"),
		sb("action", "clone", "nope.missing", "examples", "greet2"),
		sb("action", "clone", "core.echo", "examples", "greet", "-f", "-j"),
	)},
	{Name: "action_execute", Runs: tty(
		sb("action", "execute", "core.local", "cmd=date"),
		sb("action", "execute", "core.local", "cmd=date", "-a"),
		sb("action", "execute", "nope.missing"),
	)},

	{Name: "key_load", Runs: tty(
		sb("key", "load", files+"keys.yaml", "--convert"),
		sb("key", "load", files+"keys.yaml", "-c", "-j"),
		sb("key", "load", files+"keys.yaml"),
		sb("key", "load", files+"key.json", "-y"),
		sb("key", "load", files+"nope.json"),
	)},
	{Name: "runner", Runs: append(formats(sb("runner", "list")...), tty(
		sb("runner", "get", "local-shell-cmd", "-a", "name", "enabled", "runner_module"),
		sb("runner", "get", "nope"),
		sb("runner", "disable", "noop"),
		sb("runner", "enable", "noop", "-j"),
		sb("runner", "disable", "nope"),
	)...)},
	{Name: "webhook_timer", Runs: append(formats(sb("webhook", "list")...), tty(
		sb("webhook", "get", "nope"),
		sb("timer", "list"),
		sb("timer", "list", "--timer-type", "core.st2.CronTimer", "-j"),
		sb("timer", "list", "-ty", "core.st2.CronTimer"),
		sb("timer", "get", "nope"),
		sb("rule-enforcement", "list"),
		sb("rule-enforcement", "get", "000000000000000000000000"),
	)...)},
	{Name: "key_delete_by_prefix", Runs: tty(
		sb("key", "delete_by_prefix", "-p", "demo."),
		sb("key", "delete_by_prefix", "-p", "nope."),
		sb("key", "delete_by_prefix"),
	)},
}

// uuidCases show the random UUID name the sandbox's seed gives its
// webhook trigger (in the rule's trigger.ref), which uuidRule masks.
var uuidCases = []transcript.Case{
	{Name: "rule_list_iftt", Runs: tty(
		sb("rule", "list", "--iftt", "-w", "60"),
		sb("rule", "list", "--iftt", "-j"),
	)},
	{Name: "rule_get", Runs: formats(sb("rule", "get", "examples.webhook_echo")...)},
	{Name: "rule_create", Runs: tty(
		sb("rule", "create", files+"rule.yaml"),
		sb("rule", "create", files+"rule.yaml", "-j"),
		sb("rule", "create", files+"rule_unknown.yaml"),
	)},
	{Name: "rule_update", Runs: tty(
		sb("rule", "update", "examples.webhook_echo", files+"rule_update.json"),
		sb("rule", "update", "examples.webhook_echo", files+"rule_update.json", "-y"),
	)},
	{Name: "rule_enable", Runs: tty(
		sb("rule", "disable", "examples.webhook_echo"),
		sb("rule", "enable", "examples.webhook_echo", "-y"),
	)},
	{Name: "webhook_get", Runs: tty(
		sb("webhook", "get", "echo"),
		sb("webhook", "get", "echo", "-y"),
	)},
	{Name: "trigger_getspecs", Runs: tty(
		sb("trigger", "getspecs", "core.st2.webhook"),
		sb("trigger", "getspecs", "core.st2.webhook", "-j"),
	)},
}

func TestGoldenResourcesUUID(t *testing.T) { uuidSession().CheckCases(t, uuidCases) }

// uuidSession is session with uuidRule first: the session's mask of
// upper-case hex would otherwise eat the UUIDs' all-digit groups.
func uuidSession() transcript.Session {
	s := session
	s.Scrub = append([]transcript.Rule{uuidRule}, session.Scrub...)
	return s
}

// TestGoldenResourcesServer runs the commands that need objects the
// sandbox's seed has none of (a pending inquiry, trigger instances), and
// state across runs (respond, then get), against one emulator of its own
// reached through the ST2_* variables.
func TestGoldenResourcesServer(t *testing.T) {
	srv, err := st2test.Listen(
		st2test.WithDemoData(),
		st2test.WithClock(func() time.Time { return transcript.Clock }),
		st2test.WithSchedulingDelays(0, 0),
		st2test.WithSeed(func(sd *st2test.Seeder) {
			sd.Run("core.ask", nil)
			sd.Run("core.ask", nil)
		}),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c, err := st2.New(st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey, SkipConfig: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	for _, line := range []string{"first line", "second line"} {
		if err := c.Webhooks.PostTrigger(ctx, "linux.file_watch.line", map[string]any{"file_path": "/var/log/app.log", "line": line}, st2.PostOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	inqs, err := c.Inquiries.Query(ctx, st2.InquiryListOptions{})
	if err != nil || len(inqs) != 2 {
		t.Fatalf("inquiries %+v, %v", inqs, err)
	}
	tis, err := c.TriggerInstances.Query(ctx, st2.TriggerInstanceListOptions{})
	if err != nil || len(tis) != 2 {
		t.Fatalf("trigger instances %+v, %v", tis, err)
	}
	env := map[string]string{
		"NO_COLOR":            "1",
		"ST2_CLI_SKIP_CONFIG": "1",
		st2.EnvAuthURL:        srv.AuthURL,
		st2.EnvAPIURL:         srv.APIURL,
		st2.EnvStreamURL:      srv.StreamURL,
		st2.EnvAPIKey:         srv.APIKey,
	}
	runs := func(stdin string, tty bool, args ...string) transcript.Run {
		return transcript.Run{Args: append([]string{"st2"}, args...), Env: env, Stdin: stdin, TTY: tty}
	}
	inq1, inq2, ti := inqs[0].ID, inqs[1].ID, tis[0].ID
	s := uuidSession()
	s.Check(t, "inquiry_server", []transcript.Run{
		runs("", true, "inquiry", "list"),
		runs("", false, "inquiry", "list"),
		runs("", true, "inquiry", "list", "-j"),
		runs("", true, "inquiry", "list", "-y"),
		runs("", true, "inquiry", "list", "-n", "1"),
		runs("", true, "inquiry", "get", inq1),
		runs("", true, "inquiry", "get", inq1, "-j"),
		runs("", true, "inquiry", "get", inq1, "-a", "all"),
		runs("", true, "inquiry", "respond", inq1, "-r", `{"continue": "yes"}`),
		runs("", true, "inquiry", "respond", inq1, "-r", `{"continue": true}`),
		runs("", true, "inquiry", "respond", inq1, "-r", `{"continue": true}`),
		runs("maybe\nyes\n", true, "inquiry", "respond", inq2),
		runs("", true, "inquiry", "list"),
	})
	s.Check(t, "trigger_instance_server", []transcript.Run{
		runs("", true, "trigger-instance", "list"),
		runs("", false, "trigger-instance", "list"),
		runs("", true, "trigger-instance", "list", "-j"),
		runs("", true, "trigger-instance", "list", "-y"),
		runs("", true, "trigger-instance", "list", "-n", "1"),
		runs("", true, "trigger-instance", "list", "--trigger", "core.st2.webhook"),
		runs("", true, "trigger-instance", "list", "--status", "processed", "-a", "id", "status"),
		runs("", true, "trigger-instance", "get", ti),
		runs("", true, "trigger-instance", "get", ti, "-j"),
		runs("", true, "trigger-instance", "re-emit", ti),
		runs("", true, "trigger-instance", "list", "-a", "id", "trigger", "payload", "-w", "26", "22", "60"),
	})
}

// TestGoldenRuleEnforcements fires the demo rule (a post to the echo
// webhook) on an emulator of the test's own, then reads the enforcement.
func TestGoldenRuleEnforcements(t *testing.T) {
	srv, err := st2test.Listen(
		st2test.WithDemoData(),
		st2test.WithClock(func() time.Time { return transcript.Clock }),
		st2test.WithSchedulingDelays(0, 0),
	)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c, err := st2.New(st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey, SkipConfig: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	if err := c.Webhooks.Post(ctx, "echo", map[string]any{"message": "ping"}, st2.PostOptions{}); err != nil {
		t.Fatal(err)
	}
	enfs, err := c.RuleEnforcements.Query(ctx, st2.RuleEnforcementListOptions{})
	if err != nil || len(enfs) != 1 {
		t.Fatalf("enforcements %+v, %v", enfs, err)
	}
	env := map[string]string{
		"NO_COLOR": "1", "ST2_CLI_SKIP_CONFIG": "1",
		st2.EnvAuthURL: srv.AuthURL, st2.EnvAPIURL: srv.APIURL, st2.EnvStreamURL: srv.StreamURL, st2.EnvAPIKey: srv.APIKey,
	}
	run := func(tty bool, args ...string) transcript.Run {
		return transcript.Run{Args: append([]string{"st2"}, args...), Env: env, TTY: tty}
	}
	uuidSession().Check(t, "rule_enforcement_server", []transcript.Run{
		run(true, "rule-enforcement", "list"),
		run(false, "rule-enforcement", "list"),
		run(true, "rule-enforcement", "list", "--rule", "examples.webhook_echo", "-j"),
		run(true, "rule-enforcement", "list", "--rule", "nope.missing", "-y"),
		run(true, "rule-enforcement", "get", enfs[0].ID),
		run(true, "rule-enforcement", "get", enfs[0].ID, "-j"),
	})
}
