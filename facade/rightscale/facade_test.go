package rightscale_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/rightscale"
	"github.com/switchboard-go/switchboard/facade/rightscale/rightscaletest"
)

func names[T any](t *testing.T, items []T, name func(T) string) []string {
	t.Helper()
	var out []string
	for _, it := range items {
		out = append(out, name(it))
	}
	slices.Sort(out)
	return out
}

func TestListInstances(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()

	all, err := c.ListInstances(ctx, rightscaletest.DemoCloud, rightscale.ListInstancesOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("no operational instance in the demo cloud")
	}
	for _, inst := range all {
		if rightscale.Href(inst.Links) == "" {
			t.Errorf("instance %+v has no self link", inst)
		}
	}
	prod, err := c.ListInstances(ctx, rightscaletest.DemoCloud, rightscale.ListInstancesOptions{Deployment: "production", View: "default"})
	if err != nil {
		t.Fatal(err)
	}
	if len(prod) == 0 || len(prod) > len(all) {
		t.Fatalf("production has %d instances, the cloud %d", len(prod), len(all))
	}
	dep, err := c.Deployments.FindHref(ctx, "production")
	if err != nil {
		t.Fatal(err)
	}
	for _, inst := range prod {
		if inst.State != "operational" {
			t.Errorf("instance %s is %q, want operational", inst.Name, inst.State)
		}
		if d, _ := rightscale.LinkOf(inst.Links, "deployment"); d != dep {
			t.Errorf("instance %s is in %q, want %q", inst.Name, d, dep)
		}
	}

	_, err = c.ListInstances(ctx, "EC2 nowhere", rightscale.ListInstancesOptions{})
	var nf *rightscale.NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, facade.ErrNotFound) || nf.Kind != "cloud" {
		t.Fatalf("unknown cloud: %v", err)
	}
	_, err = c.ListInstances(ctx, rightscaletest.DemoCloud, rightscale.ListInstancesOptions{Deployment: "nope"})
	if !errors.As(err, &nf) || nf.Kind != "deployment" {
		t.Fatalf("unknown deployment: %v", err)
	}
}

func TestFindByNameIsExactAfterPartialFilter(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()

	// The server's name filter is a case-insensitive substring match.
	partial, err := c.Servers.Search(ctx, "WEB")
	if err != nil {
		t.Fatal(err)
	}
	got := names(t, partial, func(s rightscale.Server) string { return s.Name })
	if !slices.Contains(got, "web") || !slices.Contains(got, "web-staging") {
		t.Fatalf("partial match for WEB = %v", got)
	}
	web, err := c.Servers.FindByName(ctx, "web")
	if err != nil {
		t.Fatal(err)
	}
	if web.Name != "web" {
		t.Fatalf("FindByName(web) = %q", web.Name)
	}
	_, err = c.Servers.FindByName(ctx, "WEB")
	var nf *rightscale.NotFoundError
	if !errors.As(err, &nf) || len(nf.Candidates) == 0 {
		t.Fatalf("FindByName(WEB) = %v, want a NotFoundError with candidates", err)
	}
	href, err := c.Servers.FindHref(ctx, "haproxy")
	if err != nil || !strings.HasPrefix(href, "/api/servers/") {
		t.Fatalf("FindHref(haproxy) = %q, %v", href, err)
	}
	shown, err := c.Servers.Show(ctx, href, rightscale.ShowOptions{View: "instance_detail"})
	if err != nil || shown.Name != "haproxy" {
		t.Fatalf("Show(%s) = %q, %v", href, shown.Name, err)
	}
}

func TestFiltersAndViews(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()

	clouds, err := c.Clouds.List(ctx, rightscale.IndexOptions{Filters: []rightscale.Filter{rightscale.Eq("name", "ec2")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(t, clouds, func(c rightscale.Cloud) string { return c.Name }); len(got) != 2 {
		t.Fatalf("name==ec2 (partial) = %v, want both EC2 clouds", got)
	}
	clouds, err = c.Clouds.List(ctx, rightscale.IndexOptions{Filters: []rightscale.Filter{rightscale.Ne("name", "EC2 us-west-1"), rightscale.Eq("name", "EC2")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(t, clouds, func(c rightscale.Cloud) string { return c.Name }); !slices.Equal(got, []string{rightscaletest.DemoCloud}) {
		t.Fatalf("ANDed filters = %v", got)
	}
	none, err := c.Clouds.List(ctx, rightscale.IndexOptions{Filters: []rightscale.Filter{rightscale.Eq("name", "does not exist")}})
	if err != nil || len(none) != 0 {
		t.Fatalf("no match = %v, %v; want an empty list", none, err)
	}

	cloud, err := c.Clouds.FindHref(ctx, rightscaletest.DemoCloud)
	if err != nil {
		t.Fatal(err)
	}
	var full, tiny []rightscale.Instance
	for inst, err := range c.Instances(cloud).Index(ctx, rightscale.IndexOptions{View: "full"}) {
		if err != nil {
			t.Fatal(err)
		}
		full = append(full, inst)
	}
	tiny, err = c.Instances(cloud).List(ctx, rightscale.IndexOptions{View: "tiny"})
	if err != nil {
		t.Fatal(err)
	}
	if len(full) == 0 || len(full) != len(tiny) {
		t.Fatalf("full %d, tiny %d instances", len(full), len(tiny))
	}
	def, err := c.Instances(cloud).List(ctx, rightscale.IndexOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range full {
		if full[i].Name == "" || full[i].State == "" || rightscale.Href(full[i].Links) == "" {
			t.Errorf("full view lacks name, state or href: %+v", full[i])
		}
		if full[i].SecurityGroups == nil || full[i].Subnets == nil {
			t.Errorf("full view lacks the extended attributes: %+v", full[i])
		}
		// tiny is little more than the href.
		if tiny[i].Name != "" || tiny[i].State != "" || tiny[i].ResourceUID != "" || rightscale.Href(tiny[i].Links) == "" {
			t.Errorf("tiny view: %+v", tiny[i])
		}
		if def[i].SecurityGroups != nil || def[i].Name == "" {
			t.Errorf("default view: %+v", def[i])
		}
	}

	// A view the collection does not have is the server's 422.
	_, err = c.Clouds.List(ctx, rightscale.IndexOptions{View: "nonsense"})
	var ae *facade.APIError
	if !errors.As(err, &ae) || ae.StatusCode/100 != 4 {
		t.Fatalf("bad view: %v", err)
	}
}

func TestPlainTextErrorsBecomeAPIErrors(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	_, err := c.Clouds.Show(t.Context(), "0", rightscale.ShowOptions{})
	var ae *facade.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *facade.APIError", err)
	}
	if ae.StatusCode != 422 || !strings.HasPrefix(ae.Message, "ResourceNotFound") {
		t.Fatalf("status %d message %q", ae.StatusCode, ae.Message)
	}
	if !errors.Is(err, facade.ErrNotFound) || !errors.Is(err, facade.ErrValidation) {
		t.Fatalf("errors.Is: not found %v, validation %v", errors.Is(err, facade.ErrNotFound), errors.Is(err, facade.ErrValidation))
	}

	// A duplicate name: the [[attribute, message]] body becomes one line.
	_, err = c.Deployments.Create(t.Context(), rightscale.DeploymentCreate{Deployment: rightscale.DeploymentCreateParams{Name: "production"}})
	if !errors.As(err, &ae) || ae.StatusCode != 422 || strings.Contains(ae.Message, "[[") {
		t.Fatalf("duplicate: %v", err)
	}
}

func TestCreateUpdateDestroyAndActions(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	href, err := c.Deployments.Create(ctx, rightscale.DeploymentCreate{Deployment: rightscale.DeploymentCreateParams{Name: "switchboard-test", Description: "made by a test"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(href, "/api/deployments/") {
		t.Fatalf("Location = %q", href)
	}
	if err := c.Deployments.Update(ctx, href, rightscale.DeploymentUpdate{Deployment: rightscale.DeploymentUpdateParams{Description: "changed"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Deployments.Action(ctx, href, "lock", nil); err != nil {
		t.Fatal(err)
	}
	d, err := c.Deployments.Show(ctx, href, rightscale.ShowOptions{})
	if err != nil || d.Description != "changed" || !d.Locked {
		t.Fatalf("after update and lock: %+v, %v", d, err)
	}
	if _, err := c.Deployments.Action(ctx, href, "unlock", nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Deployments.Destroy(ctx, href); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Deployments.Show(ctx, href, rightscale.ShowOptions{}); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("after destroy: %v", err)
	}
	if _, err := c.Clouds.Create(ctx, rightscale.None{}); !errors.Is(err, rightscale.ErrUnsupported) {
		t.Fatalf("create cloud: %v", err)
	}
	if _, err := c.Deployments.Show(ctx, "https://evil.example.com/api/deployments/1", rightscale.ShowOptions{}); !errors.Is(err, rightscale.ErrInvalidHref) {
		t.Fatalf("foreign href: %v", err)
	}
	if _, err := c.Deployments.Show(ctx, "../x", rightscale.ShowOptions{}); !errors.Is(err, rightscale.ErrInvalidHref) {
		t.Fatalf("bad id: %v", err)
	}
}

func TestRunScriptOnServerAndWait(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	task, err := c.RunScriptOnServer(ctx, rightscaletest.DemoScript, "haproxy", rightscale.Inputs{"GREETING": rightscale.Text("hi")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(task.Href, "/live/tasks/") {
		t.Fatalf("task href %q", task.Href)
	}
	var seen []string
	err = task.Wait(ctx, rightscale.TaskWaitOptions{
		WaitOptions: facade.WaitOptions{Interval: time.Millisecond, MaxInterval: 5 * time.Millisecond, Timeout: 10 * time.Second},
		Progress:    func(s string) { seen = append(seen, s) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if task.State() != rightscale.TaskCompleted || !strings.HasPrefix(task.Summary, "completed") {
		t.Fatalf("final summary %q", task.Summary)
	}
	if len(seen) < 2 || seen[len(seen)-1] != task.Summary {
		t.Fatalf("progress = %q", seen)
	}
}

func TestTaskFailureIsAnError(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	task, err := c.RunScriptOnServer(ctx, rightscaletest.DemoFailingScript, "web", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = task.Wait(ctx, rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Millisecond, MaxInterval: 5 * time.Millisecond}})
	var tf *rightscale.TaskFailedError
	if !errors.As(err, &tf) {
		t.Fatalf("Wait = %v, want *TaskFailedError", err)
	}
	if tf.State != rightscale.TaskFailed || !strings.HasPrefix(tf.Summary, "failed") || !strings.Contains(tf.Error(), "97% full") {
		t.Fatalf("failure %+v", tf)
	}
}

func TestTaskWaitTimesOut(t *testing.T) {
	srv := newServer(t, rightscaletest.WithTaskPolls(1000))
	c := newClient(t, srv)
	task, err := c.RunScriptOnServer(t.Context(), rightscaletest.DemoScript, "web", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = task.Wait(t.Context(), rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Millisecond, Timeout: 50 * time.Millisecond}})
	var wt *facade.WaitTimeoutError
	if !errors.As(err, &wt) || !errors.Is(err, context.DeadlineExceeded) || wt.LastState == "" {
		t.Fatalf("Wait = %v", err)
	}
}

func TestRunScriptErrors(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	if _, err := c.RunScriptOnServer(ctx, "no such script", "web", nil); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("unknown script: %v", err)
	}
	if _, err := c.RunScriptOnServer(ctx, rightscaletest.DemoScript, "web-staging", nil); !errors.Is(err, rightscale.ErrNoCurrentInstance) {
		t.Fatalf("stopped server: %v", err)
	}
	if _, err := c.RunScriptOnServer(ctx, rightscaletest.DemoScript, "web", rightscale.Inputs{"X": "plain"}); err == nil {
		t.Fatal("an input without a type prefix was sent")
	}
}

func TestRunScriptOnServerArray(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	task, err := c.RunScriptOnServerArray(ctx, rightscaletest.DemoScript, "web-array", rightscale.Inputs{"A": rightscale.Array(rightscale.Text("x"), rightscale.Cred("Y"))})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(task.Href, "/api/server_arrays/") {
		t.Fatalf("array task href %q", task.Href)
	}
	if err := task.Wait(ctx, rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Millisecond}}); err != nil {
		t.Fatal(err)
	}
	arr, err := c.ServerArrays.FindHref(ctx, "web-array")
	if err != nil {
		t.Fatal(err)
	}
	insts, err := c.CurrentInstances(arr).List(ctx, rightscale.IndexOptions{View: "tiny"})
	if err != nil || len(insts) != 2 {
		t.Fatalf("current instances: %d, %v", len(insts), err)
	}
}

func TestGetByPath(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	res, err := c.GetByPath(ctx, "deployments:production:servers:haproxy")
	if err != nil {
		t.Fatal(err)
	}
	if res.Collection || len(res.Items) != 1 || res.Items[0].Name != "haproxy" {
		t.Fatalf("path result %+v", res)
	}
	srvr, err := rightscale.DecodeResource[rightscale.Server](res.Items[0])
	if err != nil || srvr.Name != "haproxy" {
		t.Fatalf("decode: %+v, %v", srvr, err)
	}
	list, err := c.GetByPath(ctx, "deployments:production:servers")
	if err != nil {
		t.Fatal(err)
	}
	if !list.Collection || len(list.Items) < 2 {
		t.Fatalf("servers of production: %+v", list)
	}
	if _, err := c.GetByPath(ctx, "deployments:nope:servers"); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("unknown deployment: %v", err)
	}
}

func TestTags(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	hrefs, err := c.Tags.ByTagHrefs(ctx, "servers", "role:lb=true")
	if err != nil {
		t.Fatal(err)
	}
	lb, _ := c.Servers.FindHref(ctx, "haproxy")
	if !slices.Equal(hrefs, []string{lb}) {
		t.Fatalf("by_tag = %v, want [%s]", hrefs, lb)
	}
	if err := c.Tags.Add(ctx, []string{lb}, []string{"team:owner=ops"}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.Tags.ByResource(ctx, lb)
	if err != nil || len(tags) != 1 {
		t.Fatalf("by_resource: %v, %v", tags, err)
	}
	var got []string
	for _, tg := range tags[0].Tags {
		got = append(got, tg.Name)
	}
	if !slices.Contains(got, "team:owner=ops") {
		t.Fatalf("tags after add: %v", got)
	}
	if err := c.Tags.Delete(ctx, []string{lb}, []string{"team:owner=ops"}); err != nil {
		t.Fatal(err)
	}
}

func TestSessionAndAccounts(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	s, err := c.Session(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rightscale.LinkOf(s.Links, "deployments"); !ok {
		t.Fatalf("session links %v", s.Links)
	}
	accts, err := c.SessionAccounts(t.Context(), "")
	if err != nil || len(accts) == 0 {
		t.Fatalf("accounts: %v, %v", accts, err)
	}
}

// TestRenewalUnderConcurrency checks the token is exchanged once for 100
// goroutines: on first use, after a 401, and before expiry.
func TestRenewalUnderConcurrency(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	burst := func() {
		t.Helper()
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for range 100 {
			wg.Go(func() {
				if _, err := c.Clouds.List(ctx, rightscale.IndexOptions{}); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
	burst()
	if n := srv.Exchanges(); n != 1 {
		t.Fatalf("first use: %d exchanges, want 1", n)
	}
	srv.ExpireTokens() // the server now answers 401 to the cached token
	burst()
	if n := srv.Exchanges(); n != 2 {
		t.Fatalf("after a 401: %d exchanges, want 2", n)
	}

	// Before expiry: move the client's clock to a few seconds before the
	// token's end; it must renew ahead of time, once.
	start := time.Now()
	rightscale.SetClock(c, func() time.Time { return start.Add(rightscaletest.DefaultTokenLifetime - 30*time.Second) })
	burst()
	if n := srv.Exchanges(); n != 3 {
		t.Fatalf("near expiry: %d exchanges, want 3", n)
	}
}

func TestWrongRefreshTokenNamesTheShardRule(t *testing.T) {
	srv := newServer(t)
	c, err := rightscale.New(srv.URL, "not-the-token-xyz", facade.WithRetry(0, time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Clouds.List(t.Context(), rightscale.IndexOptions{})
	var ex *rightscale.ExchangeError
	var ae *facade.APIError
	if !errors.As(err, &ex) || !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	if ae.StatusCode != 400 || !strings.Contains(ae.Message, "invalid_grant") {
		t.Fatalf("api error %+v", ae)
	}
	msg := err.Error()
	if !strings.Contains(msg, "shard") || !strings.Contains(msg, "us-3") {
		t.Fatalf("message does not explain the shard rule: %s", msg)
	}
	if strings.Contains(msg, "not-the-token-xyz") {
		t.Fatalf("the refresh token leaked: %s", msg)
	}
	if n := srv.Exchanges(); n != 0 {
		t.Fatalf("%d exchanges succeeded", n)
	}
}

// TestInputsWithEveryPrefix sets one input of each kind the API knows on
// a deployment, reads them back in the 2.0 view, and runs a script with
// all of them: the spec's contract check covers every request.
func TestInputsWithEveryPrefix(t *testing.T) {
	srv := newServer(t)
	c := newClient(t, srv)
	ctx := t.Context()
	in := rightscale.Inputs{
		"TEXT": rightscale.Text("hello world"), "EMPTY": rightscale.Blank, "EMPTY_TEXT": rightscale.Text(""),
		"CRED": rightscale.Cred("DB_PASSWORD"), "ENV": rightscale.Env("PRIVATE_IP"),
		"ENV_OF": rightscale.EnvOf("db", "PRIVATE_IP"), "KEY": rightscale.Key("default"),
		"KEY_IN": rightscale.KeyIn("default", "1"), "LIST": rightscale.Array(rightscale.Text("a"), rightscale.Cred("B")),
		"IGNORED": rightscale.Ignore,
	}
	dep, err := c.Deployments.FindHref(ctx, "production")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.UpdateInputs(ctx, dep, in); err != nil {
		t.Fatal(err)
	}
	got, err := c.Inputs(dep).List(ctx, rightscale.IndexOptions{View: "inputs_2_0"})
	if err != nil {
		t.Fatal(err)
	}
	read := map[string]string{}
	for _, i := range got {
		read[i.Name] = i.Value
	}
	for name, want := range in {
		if read[name] != want {
			t.Errorf("input %s = %q, want %q", name, read[name], want)
		}
	}
	// inherit drops the deployment's own value.
	if err := c.UpdateInputs(ctx, dep, rightscale.Inputs{"TEXT": rightscale.Inherit}); err != nil {
		t.Fatal(err)
	}
	got, _ = c.Inputs(dep).List(ctx, rightscale.IndexOptions{View: "inputs_2_0"})
	for _, i := range got {
		if i.Name == "TEXT" {
			t.Errorf("TEXT still set after inherit: %q", i.Value)
		}
	}

	task, err := c.RunScriptOnServer(ctx, rightscaletest.DemoScript, "haproxy", in)
	if err != nil {
		t.Fatal(err)
	}
	if err := task.Wait(ctx, rightscale.TaskWaitOptions{WaitOptions: facade.WaitOptions{Interval: time.Millisecond}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RunScriptOnServer(ctx, rightscaletest.DemoScript, "haproxy", rightscale.Inputs{"X": "secret:y"}); !errors.Is(err, facade.ErrValidation) {
		t.Fatalf("unknown prefix: %v", err)
	}
}
