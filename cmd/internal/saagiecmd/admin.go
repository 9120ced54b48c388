package saagiecmd

import (
	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/saagie"
)

// The realm's REST administration (users and groups), as saagieapi's
// users.* and groups.* reach it. These calls need the realm's admin role.

func userView(u *saagie.User) map[string]any {
	return map[string]any{"login": u.Login, "roles": strs(u.Roles), "groups": strs(u.Groups), "protected": u.Protected}
}

func strs(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func (e *env) userCmd() *cobra.Command {
	g := group("user", "Users of the realm (admin)", "users")
	g.AddCommand(
		&cobra.Command{Use: "list", Short: "List the realm's users", Args: cobra.NoArgs,
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, _ []string) error {
				us, err := c.Users.List(cmd.Context())
				if err != nil {
					return err
				}
				items := []map[string]any{}
				for i := range us {
					items = append(items, userView(&us[i]))
				}
				return e.list(items, []string{"login", "roles", "groups", "protected"})
			})},
		&cobra.Command{Use: "get LOGIN", Short: "Show a user with their profile", Args: cobra.ExactArgs(1),
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
				u, err := c.Users.Get(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				v := userView(u)
				if p, err := c.Profiles.Get(cmd.Context(), args[0]); err == nil {
					v["jobTitle"], v["email"] = p.JobTitle, p.Email
				}
				return e.show(v, []string{"login"})
			})},
	)
	return g
}

func (e *env) groupCmd() *cobra.Command {
	g := group("group", "Groups of the realm and their permissions", "groups")
	g.AddCommand(
		&cobra.Command{Use: "list", Short: "List the realm's groups", Args: cobra.NoArgs,
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, _ []string) error {
				gs, err := c.Groups.List(cmd.Context())
				if err != nil {
					return err
				}
				items := []map[string]any{}
				for _, g := range gs {
					items = append(items, map[string]any{"name": g.Name, "protected": g.Protected})
				}
				return e.list(items, []string{"name", "protected"})
			})},
		&cobra.Command{Use: "get NAME", Short: "Show a group, its members and its permissions", Args: cobra.ExactArgs(1),
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
				gr, err := c.Groups.Get(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				perms, err := c.Groups.Permissions(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				var projects []any
				for _, a := range perms.Authorizations {
					for _, p := range a.Permissions {
						projects = append(projects, map[string]any{"platformId": a.PlatformID, "type": p.ArtifactType, "id": p.ArtifactID, "role": p.Role})
					}
				}
				var realm []any
				for _, p := range perms.RealmPermissions {
					realm = append(realm, map[string]any{"type": p.ArtifactType, "role": p.Role})
				}
				return e.show(map[string]any{"name": gr.Name, "protected": gr.Protected, "users": strs(gr.Users), "role": perms.Role,
					"permissions": nonNil(projects), "realmPermissions": nonNil(realm)}, []string{"name"})
			})},
	)
	return g
}

func nonNil(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

// exportCmds adds project export and import, in saagieapi's folder
// layout, so folders move between Switchboard and saagieapi both ways.
func (e *env) exportCmds(g *cobra.Command) {
	var all bool
	export := &cobra.Command{Use: "export PROJECT_ID DIR", Short: "Export a project (jobs with artifacts, pipelines, apps, variables) to DIR/<id>/, as saagieapi does", Args: cobra.ExactArgs(2),
		RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
			dir, err := c.Projects.Export(cmd.Context(), args[0], args[1], !all)
			if err != nil {
				return err
			}
			return e.show(map[string]any{"id": args[0], "folder": dir}, []string{"id", "folder"})
		})}
	export.Flags().BoolVar(&all, "all-versions", false, "export every version of jobs, pipelines and apps, not only the current one")
	var wait facade.WaitOptions
	imp := &cobra.Command{Use: "import DIR", Short: "Create a project from an export folder (DIR/project.json), waiting until it is READY", Args: cobra.ExactArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
			p, err := c.Projects.Import(cmd.Context(), args[0], wait)
			if err != nil {
				return err
			}
			return e.show(projectView(p), []string{"id", "name"})
		})}
	imp.Flags().DurationVar(&wait.Timeout, "wait-timeout", 0, "give up waiting for READY after this long (0: never)")
	g.AddCommand(export, imp)
}
