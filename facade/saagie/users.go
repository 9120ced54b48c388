package saagie

import (
	"context"
	"strings"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/saagieapi"
)

// The realm's administration services are REST, not GraphQL: users and
// groups under /auth/api, group permissions under /security/api, profiles
// under /profiles/api/, the password change under /authentication/api.
// They are realm-wide (no platform id), most need the realm's admin role,
// and every call carries the Saagie-Realm header, as in saagieapi.

// UserManager manages the realm's users (saagieapi's saagie.users).
type UserManager struct{ c *Client }

// User is a user of the realm.
type User struct {
	Login string
	// Roles are realm roles such as ROLE_READER or ROLE_ADMIN.
	Roles  []string
	Groups []string
	// Platforms the user may reach, as the server sends them (their shape
	// is not documented).
	Platforms []any
	// Protected users (the realm's administrator) cannot be deleted.
	Protected bool
}

func userFrom(u *saagieapi.User) User {
	out := User{Login: u.Login, Protected: deref(u.Protected)}
	if u.Roles != nil {
		out.Roles = *u.Roles
	}
	if u.Groups != nil {
		out.Groups = *u.Groups
	}
	if u.Platforms != nil {
		out.Platforms = *u.Platforms
	}
	return out
}

// List returns every user of the realm.
func (m *UserManager) List(ctx context.Context) ([]User, error) {
	c := m.c
	resp, err := c.api.ListUsers(ctx, &saagieapi.ListUsersParams{SaagieRealm: c.realm})
	us, err := wire.Decode[[]saagieapi.User](c.call("ListUsers"), resp, err)
	if err != nil {
		return nil, err
	}
	out := make([]User, 0, len(us))
	for i := range us {
		out = append(out, userFrom(&us[i]))
	}
	return out, nil
}

// Get returns one user; an unknown login matches facade.ErrNotFound.
func (m *UserManager) Get(ctx context.Context, login string) (*User, error) {
	if err := needName("user login", login); err != nil {
		return nil, err
	}
	c := m.c
	resp, err := c.api.GetUser(ctx, login, &saagieapi.GetUserParams{SaagieRealm: c.realm})
	u, err := wire.Decode[saagieapi.User](c.call("GetUser"), resp, err)
	if err != nil {
		return nil, err
	}
	out := userFrom(&u)
	return &out, nil
}

// UserSpec describes a new user (saagieapi's users.create).
type UserSpec struct {
	Login    string
	Password string
	// Roles defaults to ROLE_READER, as in saagieapi.
	Roles  []string
	Groups []string
	// Platforms is sent as given (saagieapi's default: none).
	Platforms []any
}

// Create creates a user. The password never reaches the debug log or an
// error message.
func (m *UserManager) Create(ctx context.Context, spec UserSpec) error {
	if err := needName("user login", spec.Login); err != nil {
		return err
	}
	if spec.Password == "" {
		return &facade.ConfigError{Platform: platform, Setting: "user password", Reason: "a password is required", Err: facade.ErrValidation}
	}
	c := m.c
	c.scrub.Add(spec.Password)
	roles, groups, platforms := spec.Roles, spec.Groups, spec.Platforms
	if len(roles) == 0 {
		roles = []string{"ROLE_READER"}
	}
	if groups == nil {
		groups = []string{}
	}
	if platforms == nil {
		platforms = []any{}
	}
	resp, err := c.api.CreateUser(transport.QuietBody(ctx), &saagieapi.CreateUserParams{SaagieRealm: c.realm},
		saagieapi.UserCreation{Login: spec.Login, Password: spec.Password, Roles: &roles, Groups: &groups, Platforms: &platforms})
	return wire.NoContent(c.call("CreateUser"), resp, err)
}

// Delete deletes a user. Protected users are refused by the server.
func (m *UserManager) Delete(ctx context.Context, login string) error {
	if err := needName("user login", login); err != nil {
		return err
	}
	c := m.c
	resp, err := c.api.DeleteUser(ctx, login, &saagieapi.DeleteUserParams{SaagieRealm: c.realm})
	return wire.NoContent(c.call("DeleteUser"), resp, err)
}

// EditPassword changes a user's password (saagieapi's
// users.edit_password): the previous password is checked by the server.
// Neither password reaches the debug log or an error message. Changing
// the client's own password does not change the one it logs in with:
// build a new client.
func (m *UserManager) EditPassword(ctx context.Context, login, previous, next string) error {
	if err := needName("user login", login); err != nil {
		return err
	}
	if previous == "" || next == "" {
		return &facade.ConfigError{Platform: platform, Setting: "user password", Reason: "the previous and the new password are required", Err: facade.ErrValidation}
	}
	c := m.c
	c.scrub.Add(previous, next)
	resp, err := c.api.ChangePassword(transport.QuietBody(ctx), &saagieapi.ChangePasswordParams{SaagieRealm: c.realm},
		saagieapi.PasswordChange{Login: login, OldPassword: previous, NewPassword: next})
	return wire.NoContent(c.call("ChangePassword"), resp, err)
}

// GroupManager manages the realm's groups and their permissions
// (saagieapi's saagie.groups).
type GroupManager struct{ c *Client }

// Group is a group of the realm. List leaves Users empty (the server's
// list does not carry them); Get fills it.
type Group struct {
	Name      string
	Protected bool
	Users     []string
}

// List returns every group of the realm.
func (m *GroupManager) List(ctx context.Context) ([]Group, error) {
	c := m.c
	resp, err := c.api.ListGroups(ctx, &saagieapi.ListGroupsParams{SaagieRealm: c.realm})
	gs, err := wire.Decode[[]saagieapi.GroupSummary](c.call("ListGroups"), resp, err)
	if err != nil {
		return nil, err
	}
	out := make([]Group, 0, len(gs))
	for _, g := range gs {
		out = append(out, Group{Name: g.Name, Protected: deref(g.Protected)})
	}
	return out, nil
}

// Get returns a group with its members (saagieapi's groups.get_users).
func (m *GroupManager) Get(ctx context.Context, name string) (*Group, error) {
	if err := needName("group name", name); err != nil {
		return nil, err
	}
	c := m.c
	resp, err := c.api.GetGroup(ctx, name, &saagieapi.GetGroupParams{SaagieRealm: c.realm})
	g, err := wire.Decode[saagieapi.Group](c.call("GetGroup"), resp, err)
	if err != nil {
		return nil, err
	}
	out := Group{Name: g.Name, Protected: deref(g.Protected), Users: []string{}}
	if g.Users != nil {
		out.Users = *g.Users
	}
	return &out, nil
}

// Create creates a group with its members.
func (m *GroupManager) Create(ctx context.Context, name string, users []string) error {
	if err := needName("group name", name); err != nil {
		return err
	}
	if users == nil {
		users = []string{}
	}
	c := m.c
	resp, err := c.api.CreateGroup(ctx, &saagieapi.CreateGroupParams{SaagieRealm: c.realm}, saagieapi.GroupCreation{Name: name, Users: &users})
	return wire.NoContent(c.call("CreateGroup"), resp, err)
}

// Delete deletes a group. Protected groups are refused by the server.
func (m *GroupManager) Delete(ctx context.Context, name string) error {
	if err := needName("group name", name); err != nil {
		return err
	}
	c := m.c
	resp, err := c.api.DeleteGroup(ctx, name, &saagieapi.DeleteGroupParams{SaagieRealm: c.realm})
	return wire.NoContent(c.call("DeleteGroup"), resp, err)
}

// Permission is one right of a group: a role on an artifact, e.g.
// ROLE_PROJECT_MANAGER on the PROJECT with id ArtifactID, or ROLE_ACCESS
// on TECHNOLOGY_CATALOG.
type Permission struct {
	ArtifactType string
	// ArtifactID is set for PROJECT artifacts.
	ArtifactID string
	Role       string
}

// PlatformAuthorization is a group's permissions on one platform.
type PlatformAuthorization struct {
	PlatformID   int
	PlatformName string
	Permissions  []Permission
}

// GroupPermissions is what /security/api/groups/{name} says of a group.
type GroupPermissions struct {
	Name      string
	Protected bool
	// Role is the group's realm role, e.g. ROLE_READER.
	Role string
	// Authorizations are per platform; RealmPermissions realm-wide.
	Authorizations   []PlatformAuthorization
	RealmPermissions []Permission
}

func permissionsFrom(ps *[]saagieapi.Permission) []Permission {
	out := []Permission{}
	if ps == nil {
		return out
	}
	for _, p := range *ps {
		q := Permission{Role: deref(p.Role)}
		if p.Artifact != nil {
			q.ArtifactType, q.ArtifactID = p.Artifact.Type, deref(p.Artifact.ID)
		}
		out = append(out, q)
	}
	return out
}

func permissionsInput(ps []Permission) *[]saagieapi.Permission {
	out := make([]saagieapi.Permission, 0, len(ps))
	for _, p := range ps {
		q := saagieapi.Permission{Role: optStr(p.Role)}
		if p.ArtifactType != "" {
			q.Artifact = &saagieapi.Artifact{Type: p.ArtifactType, ID: optStr(p.ArtifactID)}
		}
		out = append(out, q)
	}
	return &out
}

func authorizationsInput(as []PlatformAuthorization) *[]saagieapi.PlatformAuthorization {
	out := make([]saagieapi.PlatformAuthorization, 0, len(as))
	for _, a := range as {
		id := a.PlatformID
		out = append(out, saagieapi.PlatformAuthorization{PlatformID: &id, PlatformName: optStr(a.PlatformName), Permissions: permissionsInput(a.Permissions)})
	}
	return &out
}

// Permissions returns a group's permissions (saagieapi's
// groups.get_permission).
func (m *GroupManager) Permissions(ctx context.Context, name string) (*GroupPermissions, error) {
	if err := needName("group name", name); err != nil {
		return nil, err
	}
	c := m.c
	resp, err := c.api.GetGroupPermissions(ctx, name, &saagieapi.GetGroupPermissionsParams{SaagieRealm: c.realm})
	p, err := wire.Decode[saagieapi.GroupPermissions](c.call("GetGroupPermissions"), resp, err)
	if err != nil {
		return nil, err
	}
	out := GroupPermissions{Name: cmpOr(deref(p.Name), name), Protected: deref(p.Protected), Role: deref(p.Role), Authorizations: []PlatformAuthorization{}}
	if p.Authorizations != nil {
		for _, a := range *p.Authorizations {
			out.Authorizations = append(out.Authorizations, PlatformAuthorization{PlatformID: deref(a.PlatformID), PlatformName: deref(a.PlatformName), Permissions: permissionsFrom(a.Permissions)})
		}
	}
	if p.RealmAuthorization != nil {
		out.RealmPermissions = permissionsFrom(p.RealmAuthorization.Permissions)
	} else {
		out.RealmPermissions = []Permission{}
	}
	return &out, nil
}

// PermissionsEdit changes a group's permissions; a nil field keeps the
// current value (saagieapi's groups.edit_permission).
type PermissionsEdit struct {
	Authorizations   *[]PlatformAuthorization
	RealmPermissions *[]Permission
}

// EditPermissions replaces a group's permissions: it reads the current
// ones, keeps the group's role and every part the edit leaves nil, and
// sends the whole document, as the server replaces it whole. It returns
// the permissions as sent.
func (m *GroupManager) EditPermissions(ctx context.Context, name string, e PermissionsEdit) (*GroupPermissions, error) {
	cur, err := m.Permissions(ctx, name)
	if err != nil {
		return nil, err
	}
	if e.Authorizations != nil {
		cur.Authorizations = *e.Authorizations
	}
	if e.RealmPermissions != nil {
		cur.RealmPermissions = *e.RealmPermissions
	}
	role := cmpOr(cur.Role, "ROLE_READER")
	c := m.c
	resp, err := c.api.EditGroupPermissions(ctx, name, &saagieapi.EditGroupPermissionsParams{SaagieRealm: c.realm}, saagieapi.GroupPermissionsEdition{
		Role:               role,
		Authorizations:     authorizationsInput(cur.Authorizations),
		RealmAuthorization: &saagieapi.RealmAuthorization{Permissions: permissionsInput(cur.RealmPermissions)},
	})
	if err := wire.NoContent(c.call("EditGroupPermissions"), resp, err); err != nil {
		return nil, err
	}
	cur.Role = role
	return cur, nil
}

// ProfileManager reads and edits user profiles (saagieapi's
// saagie.profiles).
type ProfileManager struct{ c *Client }

// Profile is a user's profile.
type Profile struct {
	Login    string
	JobTitle string
	Email    string
}

func profileFrom(p *saagieapi.Profile) Profile {
	return Profile{Login: p.Login, JobTitle: deref(p.Job), Email: deref(p.Email)}
}

// List returns every profile.
func (m *ProfileManager) List(ctx context.Context) ([]Profile, error) {
	c := m.c
	resp, err := c.api.ListProfiles(ctx, &saagieapi.ListProfilesParams{SaagieRealm: c.realm})
	ps, err := wire.Decode[[]saagieapi.Profile](c.call("ListProfiles"), resp, err)
	if err != nil {
		return nil, err
	}
	out := make([]Profile, 0, len(ps))
	for i := range ps {
		out = append(out, profileFrom(&ps[i]))
	}
	return out, nil
}

// Get returns one user's profile.
func (m *ProfileManager) Get(ctx context.Context, login string) (*Profile, error) {
	if err := needName("user login", login); err != nil {
		return nil, err
	}
	c := m.c
	resp, err := c.api.GetProfile(ctx, login, &saagieapi.GetProfileParams{SaagieRealm: c.realm})
	p, err := wire.Decode[saagieapi.Profile](c.call("GetProfile"), resp, err)
	if err != nil {
		return nil, err
	}
	out := profileFrom(&p)
	return &out, nil
}

// Edit changes a user's job title and e-mail; nil keeps the current value
// (saagieapi's profiles.edit). It returns the stored profile.
func (m *ProfileManager) Edit(ctx context.Context, login string, jobTitle, email *string) (*Profile, error) {
	cur, err := m.Get(ctx, login)
	if err != nil {
		return nil, err
	}
	if jobTitle != nil {
		cur.JobTitle = *jobTitle
	}
	if email != nil {
		cur.Email = *email
	}
	c := m.c
	resp, err := c.api.EditProfile(ctx, login, &saagieapi.EditProfileParams{SaagieRealm: c.realm},
		saagieapi.Profile{Login: login, Job: ptr(cur.JobTitle), Email: ptr(cur.Email)})
	p, err := wire.Decode[saagieapi.Profile](c.call("EditProfile"), resp, err)
	if err != nil {
		return nil, err
	}
	out := profileFrom(&p)
	return &out, nil
}

// needName refuses an empty login or group name before any request: it
// would otherwise address the collection itself (GET /auth/api/users/).
func needName(setting, v string) error {
	if strings.TrimSpace(v) == "" {
		return &facade.ConfigError{Platform: platform, Setting: setting, Reason: "must not be empty", Err: facade.ErrValidation}
	}
	return nil
}
