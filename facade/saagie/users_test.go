package saagie_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/contract"
	"github.com/switchboard-go/switchboard/facade/saagie"
	"github.com/switchboard-go/switchboard/facade/saagie/saagietest"
	saagiespec "github.com/switchboard-go/switchboard/specs/saagie"
)

// The realm's REST administration: every call goes through the spec's
// contract check and the debug log, which must never show a password.
func TestUsersGroupsProfiles(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(saagiespec.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	srv := saagietest.NewServer(saagietest.WithTimeline(fastTimeline))
	t.Cleanup(srv.Close)
	spec := contract.Load(t, doc, srv.URL)
	var logs bytes.Buffer
	ctx := context.Background()
	c, err := saagie.New(ctx, srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm,
		facade.WithBaseTransport(spec.RoundTripper(http.DefaultTransport)), facade.WithRetry(0, 0, 0),
		facade.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}

	users, err := c.Users.List(ctx)
	if err != nil || len(users) != 1 || users[0].Login != srv.User || !users[0].Protected || !slices.Contains(users[0].Roles, "ROLE_ADMIN") {
		t.Fatalf("users %+v %v", users, err)
	}
	if err := c.Groups.Create(ctx, "analysts", nil); err != nil {
		t.Fatal(err)
	}
	const pw = "first-Secret-42"
	if err := c.Users.Create(ctx, saagie.UserSpec{Login: "alice", Password: pw, Groups: []string{"analysts"}}); err != nil {
		t.Fatal(err)
	}
	u, err := c.Users.Get(ctx, "alice")
	if err != nil || !slices.Equal(u.Roles, []string{"ROLE_READER"}) || !slices.Equal(u.Groups, []string{"analysts"}) || u.Protected {
		t.Fatalf("alice %+v %v", u, err)
	}
	if err := c.Users.Create(ctx, saagie.UserSpec{Login: "alice", Password: "x"}); !errors.Is(err, facade.ErrConflict) {
		t.Fatalf("duplicate user: %v", err)
	}
	if err := c.Users.Create(ctx, saagie.UserSpec{Login: "bob"}); !errors.Is(err, facade.ErrValidation) {
		t.Fatalf("user without password: %v", err)
	}
	if _, err := c.Users.Get(ctx, "nobody"); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
	if _, err := c.Users.Get(ctx, " "); !errors.Is(err, facade.ErrValidation) {
		t.Fatalf("empty login: %v", err)
	}

	// Password change: the previous one is checked, the new one logs in.
	if err := c.Users.EditPassword(ctx, "alice", "wrong-previous", "x-Secret-2"); !errors.Is(err, facade.ErrValidation) {
		t.Fatalf("wrong previous password: %v", err)
	}
	const pw2 = "second-Secret-43"
	if err := c.Users.EditPassword(ctx, "alice", pw, pw2); err != nil {
		t.Fatal(err)
	}
	alice, err := saagie.New(ctx, srv.URL, srv.PlatformID, "alice", pw2, srv.Realm)
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.Login(ctx); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}

	g, err := c.Groups.Get(ctx, "analysts")
	if err != nil || !slices.Equal(g.Users, []string{"alice"}) {
		t.Fatalf("group %+v %v", g, err)
	}
	groups, err := c.Groups.List(ctx)
	if err != nil || len(groups) != 3 || groups[0].Name != "administrators" || !groups[0].Protected || groups[2].Name != "analysts" {
		t.Fatalf("groups %+v %v", groups, err)
	}

	// Permissions: a project right shows as a PROJECT permission; an edit
	// keeps the role and the parts it does not name.
	p, err := c.Projects.Create(ctx, saagie.ProjectSpec{Name: "rights", Groups: map[string]saagie.Role{"analysts": saagie.RoleEditor}})
	if err != nil {
		t.Fatal(err)
	}
	perms, err := c.Groups.Permissions(ctx, "analysts")
	if err != nil || perms.Role != "ROLE_READER" || len(perms.Authorizations) != 1 || perms.Authorizations[0].PlatformID != srv.PlatformID {
		t.Fatalf("permissions %+v %v", perms, err)
	}
	if got := perms.Authorizations[0].Permissions; len(got) != 1 || got[0] != (saagie.Permission{ArtifactType: "PROJECT", ArtifactID: p.ID, Role: "ROLE_PROJECT_EDITOR"}) {
		t.Fatalf("project permission %+v", got)
	}
	realm := []saagie.Permission{{ArtifactType: "TECHNOLOGY_CATALOG", Role: "ROLE_ACCESS"}}
	edited, err := c.Groups.EditPermissions(ctx, "analysts", saagie.PermissionsEdit{RealmPermissions: &realm})
	if err != nil || edited.Role != "ROLE_READER" {
		t.Fatalf("edit %+v %v", edited, err)
	}
	again, err := c.Groups.Permissions(ctx, "analysts")
	if err != nil || len(again.RealmPermissions) != 1 || again.RealmPermissions[0] != realm[0] ||
		len(again.Authorizations) != 1 || again.Authorizations[0].Permissions[0].ArtifactID != p.ID {
		t.Fatalf("after edit %+v %v", again, err)
	}

	// Profiles: an edit keeps what it does not name.
	title := "Data engineer"
	prof, err := c.Profiles.Edit(ctx, "alice", &title, nil)
	if err != nil || prof.JobTitle != title || prof.Login != "alice" {
		t.Fatalf("profile %+v %v", prof, err)
	}
	mail := "alice@example.com"
	if prof, err = c.Profiles.Edit(ctx, "alice", nil, &mail); err != nil || prof.JobTitle != title || prof.Email != mail {
		t.Fatalf("profile %+v %v", prof, err)
	}
	profiles, err := c.Profiles.List(ctx)
	if err != nil || len(profiles) != 2 || profiles[1] != (saagie.Profile{Login: "alice", JobTitle: title, Email: mail}) {
		t.Fatalf("profiles %+v %v", profiles, err)
	}
	if _, err := c.Profiles.Get(ctx, "nobody"); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("unknown profile: %v", err)
	}

	// Deletions; protected ones are refused by the server.
	if err := c.Users.Delete(ctx, srv.User); err == nil {
		t.Fatal("deleted the protected administrator")
	}
	if err := c.Groups.Delete(ctx, "administrators"); err == nil {
		t.Fatal("deleted the protected group")
	}
	if err := c.Users.Delete(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if err := c.Groups.Delete(ctx, "analysts"); err != nil {
		t.Fatal(err)
	}
	if err := c.Groups.Delete(ctx, "analysts"); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := c.Groups.Permissions(ctx, "analysts"); !errors.Is(err, facade.ErrNotFound) {
		t.Fatalf("permissions of a deleted group: %v", err)
	}

	for _, secret := range []string{pw, pw2, srv.Password} {
		if strings.Contains(logs.String(), secret) {
			t.Fatalf("a password reached the debug log")
		}
	}
	if !strings.Contains(logs.String(), "/auth/api/users") {
		t.Fatalf("the debug log shows no user call:\n%s", logs.String())
	}
}
