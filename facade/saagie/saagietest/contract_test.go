package saagietest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-go/switchboard/facade/internal/contract"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
	"github.com/switchboard-go/switchboard/gen/saagieapi"
)

// Every REST operation of the spec, and both GraphQL endpoints (JSON and
// multipart), served by the emulator behind the contract check: each
// request and each response, errors included, must be what the spec says.
func TestContractServerSide(t *testing.T) {
	clock := newClock()
	srv := saagietest.NewServer(saagietest.WithClock(clock.Now), saagietest.WithDemoData())
	t.Cleanup(srv.Close)
	// kin-openapi cannot decode the file parts of GraphQL uploads.
	checked := contract.Load(t, contract.DocJSON(t, saagieapi.GetSpecJSON), "",
		contract.WithBodyDecoder("multipart/form-data", contract.MultipartStrings("operations", "map")))
	ts := httptest.NewServer(checked.Handler(srv.Handler()))
	t.Cleanup(ts.Close)
	g := &gql{t: t, srv: srv, hc: ts.Client(), base: ts.URL}
	g.token = g.login(srv.User, srv.Password, srv.Realm)
	if status, _ := g.loginRaw(srv.User, "wrong", srv.Realm); status != 401 {
		t.Errorf("bad login: %d", status)
	}

	rest := func(method, path string, body any, want int) []byte {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, ts.URL+path, rd)
		req.Header.Set("Authorization", "Bearer "+g.token)
		req.Header.Set("Saagie-Realm", srv.Realm)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Errorf("%s %s: %d %s, want %d", method, path, resp.StatusCode, out, want)
		}
		return out
	}

	// GraphQL, JSON and multipart, on both endpoints.
	projectsURL := ts.URL + "/projects/api/platform/1/graphql"
	gatewayURL := ts.URL + "/gateway/api/graphql"
	r := g.doAt(projectsURL, `{ projects { id jobs { id versions { number packageInfo { downloadUrl } } } apps { id history { currentExecutionId } } } }`, nil)
	project := str(r.Data, "projects", 0, "id")
	dl := str(r.Data, "projects", 0, "jobs", 0, "versions", 0, "packageInfo", "downloadUrl")
	appID := str(r.Data, "projects", 0, "apps", 0, "id")
	g.doAt(gatewayURL, `{ repositories { id } }`, nil)
	r = g.upload(projectsURL, `mutation U($id: UUID!, $v: JobVersionInput!, $file: Upload) { addJobVersion(jobId: $id, jobVersion: $v, file: $file) { number } }`,
		map[string]any{"id": str(r.Data, "projects", 0, "jobs", 0, "id"), "v": map[string]any{"runtimeVersion": "3.10"}}, "file", "x.py", []byte("x"))
	if len(r.Errors) > 0 {
		t.Errorf("upload: %s", r.errorsText())
	}
	g.upload(gatewayURL, `mutation A($r: RepositoryInput!, $upload: Upload) { addRepository(repositoryInput: $r, upload: $upload) { count } }`,
		map[string]any{"r": map[string]any{"name": "extra"}}, "upload", "t.zip", []byte("PK"))

	// Artifact download.
	rest("GET", dl, nil, 200)
	rest("GET", strings.Replace(dl, "/version/1/", "/version/9/", 1), nil, 404)

	// Logs of an app execution.
	g.doAt(projectsURL, `mutation { runApp(id: "`+appID+`") { id } }`, nil)
	exec := str(g.doAt(projectsURL, `{ app(id: "`+appID+`") { history { currentExecutionId } } }`, nil).Data, "app", "history", "currentExecutionId")
	srv.AddLogs(exec, saagietest.LogLine{Stream: "STDOUT", Time: clock.Now(), Value: "listening"},
		saagietest.LogLine{Stream: "STDERR", Time: clock.Now(), Value: "warning"},
		saagietest.LogLine{Stream: "STDOUT", Time: clock.Now(), Value: "ready"})
	logs := rest("GET", "/log-proxy/api/logs/"+srv.Realm+"/platform/1/project/"+project+"/app_execution/"+exec+"?limit=1&skip=1&streams=STDOUT", nil, 200)
	var page struct {
		Logs  []struct{ Value string }
		Total int
	}
	_ = json.Unmarshal(logs, &page)
	if page.Total != 2 || len(page.Logs) != 1 || page.Logs[0].Value != "ready" {
		t.Errorf("logs page: %s", logs)
	}
	rest("GET", "/log-proxy/api/logs/"+srv.Realm+"/platform/1/project/"+project+"/condition_instance/"+exec, nil, 200)

	// Users, groups, permissions, profiles.
	rest("POST", "/auth/api/users", map[string]any{"login": "alice", "password": "pw", "roles": []string{"ROLE_READER"}, "groups": []string{"readers"}}, 201)
	rest("POST", "/auth/api/users", map[string]any{"login": "alice", "password": "pw"}, 409)
	rest("GET", "/auth/api/users", nil, 200)
	if u := rest("GET", "/auth/api/users/alice", nil, 200); !strings.Contains(string(u), `"readers"`) {
		t.Errorf("alice: %s", u)
	}
	rest("GET", "/auth/api/users/nobody", nil, 404)
	rest("POST", "/auth/api/groups", map[string]any{"name": "team", "users": []string{"alice"}}, 201)
	rest("GET", "/auth/api/groups", nil, 200)
	rest("GET", "/auth/api/groups/team", nil, 200)
	rest("PUT", "/security/api/groups/team", map[string]any{"role": "ROLE_READER",
		"authorizations":     []any{map[string]any{"platformId": 1, "permissions": []any{map[string]any{"artifact": map[string]any{"type": "PROJECT", "id": project}, "role": "ROLE_PROJECT_MANAGER"}}}},
		"realmAuthorization": map[string]any{"permissions": []any{}}}, 204)
	if p := rest("GET", "/security/api/groups/team", nil, 200); !strings.Contains(string(p), project) {
		t.Errorf("permissions: %s", p)
	}
	rest("GET", "/security/api/groups/authorizations/1/permissions/projects", nil, 200)
	rest("GET", "/profiles/api/", nil, 200)
	rest("PUT", "/profiles/api/alice", map[string]any{"login": "alice", "job": "Engineer", "email": "alice@example.com"}, 200)
	if p := rest("GET", "/profiles/api/alice", nil, 200); !strings.Contains(string(p), "Engineer") {
		t.Errorf("profile: %s", p)
	}
	rest("PUT", "/authentication/api/open/password/change", map[string]any{"login": "alice", "oldPassword": "pw", "newPassword": "pw2"}, 204)
	rest("DELETE", "/auth/api/groups/team", nil, 204)
	rest("DELETE", "/auth/api/users/alice", nil, 204)

	// Expiry: 401 on GraphQL and REST.
	clock.Advance(saagietest.DefaultTokenTTL + time.Second)
	status, _ := g.post(projectsURL, strings.NewReader(`{"query":"{ projects { id } }"}`), "application/json")
	if status != 401 {
		t.Errorf("expired: %d", status)
	}
	rest("GET", "/auth/api/users", nil, 401)

	checked.RequireAllOperations(t)
}
