package saagiecmd

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/saagie"
)

func projectView(p *saagie.Project) map[string]any {
	return map[string]any{"id": p.ID, "name": p.Name, "creator": p.Creator, "description": p.Description, "jobsCount": p.JobsCount, "status": string(p.Status)}
}

func jobView(j *saagie.Job) map[string]any {
	m := map[string]any{"id": j.ID, "name": j.Name, "alias": j.Alias, "description": j.Description, "category": j.Category,
		"technologyId": j.TechnologyID, "countJobInstance": j.InstanceCount, "isScheduled": j.IsScheduled,
		"cronScheduling": j.Cron, "creationDate": ts(j.Created)}
	if v := j.CurrentVersion(); v != nil {
		m["currentVersion"] = v.Number
		m["runtimeVersion"] = v.RuntimeVersion
		m["artifact"] = v.ArtifactName
	}
	if len(j.Instances) > 0 {
		m["lastInstanceStatus"] = string(j.Instances[0].Status)
		m["lastInstanceId"] = j.Instances[0].ID
	}
	return m
}

func instanceView(in *saagie.JobInstance) map[string]any {
	return map[string]any{"id": in.ID, "number": in.Number, "status": string(in.Status), "jobId": in.JobID,
		"startTime": ts(in.Start), "endTime": ts(in.End), "version": in.VersionNumber, "details": in.Details, "reason": in.Reason}
}

func pipelineView(p *saagie.Pipeline) map[string]any {
	m := map[string]any{"id": p.ID, "name": p.Name, "alias": p.Alias, "description": p.Description,
		"pipelineInstanceCount": p.InstanceCount, "isScheduled": p.IsScheduled, "cronScheduling": p.Cron, "creationDate": ts(p.Created)}
	if v := p.CurrentVersion(); v != nil {
		m["currentVersion"] = v.Number
		jobs := []any{}
		for _, n := range v.Graph.JobNodes {
			jobs = append(jobs, n.JobName)
		}
		m["jobs"] = jobs
	}
	return m
}

func appView(a *saagie.App) map[string]any {
	m := map[string]any{"id": a.ID, "name": a.Name, "description": a.Description, "status": string(a.Status()), "creationDate": ts(a.Created)}
	if v := a.CurrentVersion; v != nil {
		m["currentVersion"] = v.Number
		m["image"] = v.DockerImage
	}
	return m
}

func (e *env) platformCmd() *cobra.Command {
	return &cobra.Command{Use: "platform", Short: "Show the platform and its object counts", Args: cobra.NoArgs,
		RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, _ []string) error {
			p, err := c.PlatformInfo(cmd.Context())
			if err != nil {
				return err
			}
			return e.show(map[string]any{"id": p.ID, "name": p.Name, "projects": p.Projects, "jobs": p.Jobs, "apps": p.Apps, "pipelines": p.Pipelines}, []string{"id", "name"})
		})}
}

func (e *env) projectCmd() *cobra.Command {
	g := group("project", "Projects", "projects")
	cols := []string{"id", "name", "status", "jobsCount"}
	var desc string
	var wait bool
	create := &cobra.Command{Use: "create NAME", Short: "Create a project (every available Saagie technology allowed)", Args: cobra.ExactArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
			p, err := c.Projects.Create(cmd.Context(), saagie.ProjectSpec{Name: args[0], Description: desc})
			if err != nil {
				return err
			}
			if wait {
				if p, err = c.Projects.WaitReady(cmd.Context(), p.ID, facade.WaitOptions{Interval: 500 * time.Millisecond}); err != nil {
					return err
				}
			}
			return e.show(projectView(p), []string{"id", "name"})
		})}
	create.Flags().StringVar(&desc, "description", "", "description")
	create.Flags().BoolVar(&wait, "wait", false, "wait until the project is READY")
	g.AddCommand(
		&cobra.Command{Use: "list", Short: "List projects", Args: cobra.NoArgs,
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, _ []string) error {
				ps, err := c.Projects.List(cmd.Context())
				if err != nil {
					return err
				}
				items := []map[string]any{}
				for i := range ps {
					items = append(items, projectView(&ps[i]))
				}
				return e.list(items, cols)
			})},
		&cobra.Command{Use: "get ID_OR_NAME", Short: "Show a project (by id, else by exact name)", Args: cobra.ExactArgs(1),
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
				p, err := c.Projects.Get(cmd.Context(), args[0])
				if errors.Is(err, facade.ErrNotFound) || errors.Is(err, facade.ErrValidation) {
					p, err = c.Projects.GetByName(cmd.Context(), args[0])
				}
				if err != nil {
					return err
				}
				return e.show(projectView(p), []string{"id", "name"})
			})},
		create,
		&cobra.Command{Use: "delete ID", Short: "Delete a project", Args: cobra.ExactArgs(1),
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
				if err := c.Projects.Delete(cmd.Context(), args[0]); err != nil {
					return err
				}
				return done(e, "Project", args[0])
			})},
	)
	e.exportCmds(g)
	return g
}

func (e *env) jobCmd() *cobra.Command {
	g := group("job", "Jobs and their instances", "jobs")
	cols := []string{"id", "name", "category", "currentVersion", "lastInstanceStatus"}
	var spec saagie.JobSpec
	var file string
	create := &cobra.Command{Use: "create PROJECT_ID NAME", Short: "Create a job, uploading its artifact", Args: cobra.ExactArgs(2),
		RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
			s := spec
			s.ProjectID, s.Name = args[0], args[1]
			if file != "" {
				f, err := readFile(file)
				if err != nil {
					return err
				}
				s.File = f
			}
			j, err := c.Jobs.Create(cmd.Context(), s)
			if err != nil {
				return err
			}
			return e.show(map[string]any{"id": j.ID, "name": j.Name, "projectId": j.ProjectID, "technologyId": j.TechnologyID}, []string{"id", "name"})
		})}
	f := create.Flags()
	f.StringVar(&spec.Technology, "technology", "python", "technology label in the catalog")
	f.StringVar(&spec.Catalog, "catalog", "Saagie", "technology catalog (repository) name")
	f.StringVar(&spec.RuntimeVersion, "runtime", "3.10", "runtime context id")
	f.StringVar(&spec.CommandLine, "command", "python {file}", "command line")
	f.StringVar(&spec.Category, "category", "Processing", "Extraction, Processing or Smart App")
	f.StringVar(&spec.Description, "description", "", "description")
	f.StringVar(&spec.Cron, "cron", "", "schedule (cron expression)")
	f.StringVar(&file, "file", "", "artifact to upload")

	var wait bool
	var interval, waitTimeout time.Duration
	run := &cobra.Command{Use: "run JOB_ID", Short: "Run a job; with --wait, poll until a final state (ERROR and SKIPPED included)", Args: cobra.ExactArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
			if !wait {
				in, err := c.Jobs.Run(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				return e.show(instanceView(in), []string{"id", "status"})
			}
			last := saagie.InstanceStatus("")
			opts := &saagie.RunWaitOptions{WaitOptions: facade.WaitOptions{Interval: interval, Timeout: waitTimeout},
				Progress: func(s saagie.InstanceStatus, d time.Duration) {
					if s != last {
						e.a.Progress("%s after %s\n", s, d.Round(time.Second))
						last = s
					}
				}}
			in, err := c.Jobs.RunAndWait(cmd.Context(), args[0], opts)
			var failed *saagie.RunFailedError
			if in != nil && (err == nil || errors.As(err, &failed)) {
				if perr := e.show(instanceView(in), []string{"id", "status"}); perr != nil {
					return perr
				}
			}
			return err
		})}
	run.Flags().BoolVar(&wait, "wait", false, "wait for a final state, showing progress on a terminal")
	run.Flags().DurationVar(&interval, "interval", 2*time.Second, "first polling interval (grows to 30s)")
	run.Flags().DurationVar(&waitTimeout, "wait-timeout", 0, "give up waiting after this long (0: never)")

	g.AddCommand(
		&cobra.Command{Use: "list PROJECT_ID", Short: "List a project's jobs", Args: cobra.ExactArgs(1),
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
				js, err := c.Jobs.List(cmd.Context(), args[0], &saagie.DetailOptions{InstancesLimit: 1, OnlyCurrentVersion: true})
				if err != nil {
					return err
				}
				items := []map[string]any{}
				for i := range js {
					items = append(items, jobView(&js[i]))
				}
				return e.list(items, cols)
			})},
		&cobra.Command{Use: "get JOB_ID", Short: "Show a job", Args: cobra.ExactArgs(1),
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
				j, err := c.Jobs.Get(cmd.Context(), args[0], &saagie.DetailOptions{InstancesLimit: 1})
				if err != nil {
					return err
				}
				return e.show(jobView(j), []string{"id", "name"})
			})},
		create, run,
		&cobra.Command{Use: "instance INSTANCE_ID", Short: "Show a job instance", Args: cobra.ExactArgs(1),
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
				in, err := c.Jobs.Instance(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				return e.show(instanceView(in), []string{"id", "status"})
			})},
		&cobra.Command{Use: "stop INSTANCE_ID", Short: "Stop a job instance", Args: cobra.ExactArgs(1),
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
				in, err := c.Jobs.Stop(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				return e.show(instanceView(in), []string{"id", "status"})
			})},
		&cobra.Command{Use: "delete JOB_ID", Short: "Delete a job", Args: cobra.ExactArgs(1),
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
				if err := c.Jobs.Delete(cmd.Context(), args[0]); err != nil {
					return err
				}
				return done(e, "Job", args[0])
			})},
	)
	return g
}

func (e *env) pipelineCmd() *cobra.Command {
	g := group("pipeline", "Graph pipelines", "pipelines")
	var wait bool
	run := &cobra.Command{Use: "run PIPELINE_ID", Short: "Run a pipeline; with --wait, poll until a final state", Args: cobra.ExactArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
			view := func(in *saagie.PipelineInstance) map[string]any {
				return map[string]any{"id": in.ID, "number": in.Number, "status": string(in.Status), "pipelineId": in.PipelineID, "startTime": ts(in.Start), "endTime": ts(in.End)}
			}
			if !wait {
				in, err := c.Pipelines.Run(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				return e.show(view(in), []string{"id", "status"})
			}
			in, err := c.Pipelines.RunAndWait(cmd.Context(), args[0], &saagie.RunWaitOptions{WaitOptions: facade.WaitOptions{Interval: 2 * time.Second},
				Progress: func(s saagie.InstanceStatus, d time.Duration) { e.a.Progress("%s after %s\n", s, d.Round(time.Second)) }})
			var failed *saagie.RunFailedError
			if in != nil && (err == nil || errors.As(err, &failed)) {
				if perr := e.show(view(in), []string{"id", "status"}); perr != nil {
					return perr
				}
			}
			return err
		})}
	run.Flags().BoolVar(&wait, "wait", false, "wait for a final state")
	g.AddCommand(
		&cobra.Command{Use: "list PROJECT_ID", Short: "List a project's pipelines", Args: cobra.ExactArgs(1),
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
				ps, err := c.Pipelines.List(cmd.Context(), args[0], &saagie.DetailOptions{InstancesLimit: 1, OnlyCurrentVersion: true})
				if err != nil {
					return err
				}
				items := []map[string]any{}
				for i := range ps {
					items = append(items, pipelineView(&ps[i]))
				}
				return e.list(items, []string{"id", "name", "alias", "currentVersion", "pipelineInstanceCount"})
			})},
		&cobra.Command{Use: "get PIPELINE_ID", Short: "Show a pipeline", Args: cobra.ExactArgs(1),
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
				p, err := c.Pipelines.Get(cmd.Context(), args[0], &saagie.DetailOptions{InstancesLimit: 1})
				if err != nil {
					return err
				}
				return e.show(pipelineView(p), []string{"id", "name"})
			})},
		run,
	)
	return g
}

func (e *env) appCmd() *cobra.Command {
	g := group("app", "Apps", "apps")
	action := func(use, short string, fn func(*saagie.Client) func(cmd *cobra.Command, id string) (*saagie.App, error)) *cobra.Command {
		return &cobra.Command{Use: use + " APP_ID", Short: short, Args: cobra.ExactArgs(1),
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
				a, err := fn(c)(cmd, args[0])
				if err != nil {
					return err
				}
				return e.show(appView(a), []string{"id", "name"})
			})}
	}
	g.AddCommand(
		&cobra.Command{Use: "list PROJECT_ID", Short: "List a project's apps", Args: cobra.ExactArgs(1),
			RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
				as, err := c.Apps.List(cmd.Context(), args[0])
				if err != nil {
					return err
				}
				items := []map[string]any{}
				for i := range as {
					items = append(items, appView(&as[i]))
				}
				return e.list(items, []string{"id", "name", "status", "currentVersion"})
			})},
		action("get", "Show an app", func(c *saagie.Client) func(*cobra.Command, string) (*saagie.App, error) {
			return func(cmd *cobra.Command, id string) (*saagie.App, error) { return c.Apps.Get(cmd.Context(), id) }
		}),
		action("run", "Start an app", func(c *saagie.Client) func(*cobra.Command, string) (*saagie.App, error) {
			return func(cmd *cobra.Command, id string) (*saagie.App, error) { return c.Apps.Run(cmd.Context(), id) }
		}),
		action("stop", "Stop an app", func(c *saagie.Client) func(*cobra.Command, string) (*saagie.App, error) {
			return func(cmd *cobra.Command, id string) (*saagie.App, error) { return c.Apps.Stop(cmd.Context(), id) }
		}),
	)
	return g
}

func (e *env) target(scope, id string) (saagie.EnvVarTarget, error) {
	t := saagie.EnvVarTarget{Scope: saagie.EnvVarScope(scope), ID: id}
	switch t.Scope {
	case saagie.ScopeGlobal, saagie.ScopeProject, saagie.ScopePipeline, saagie.ScopeApp:
		return t, nil
	}
	return t, app.Usagef("--scope %q: must be GLOBAL, PROJECT, PIPELINE or APP", scope)
}

func (e *env) envCmd() *cobra.Command {
	g := group("env", "Environment variables", "envvar", "env-vars")
	var scope, id, desc string
	var password, scopeOnly bool
	addTarget := func(c *cobra.Command) {
		c.Flags().StringVar(&scope, "scope", "GLOBAL", "GLOBAL, PROJECT, PIPELINE or APP")
		c.Flags().StringVar(&id, "id", "", "project, pipeline or app id (not for GLOBAL)")
	}
	view := func(v *saagie.EnvVar) map[string]any {
		val := any(v.Value)
		if v.Password {
			val = "********"
		}
		return map[string]any{"id": v.ID, "name": v.Name, "scope": string(v.Scope), "value": val, "description": v.Description, "isPassword": v.Password}
	}
	list := &cobra.Command{Use: "list", Short: "List variables (inherited ones too unless --scope-only)", Args: cobra.NoArgs,
		RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, _ []string) error {
			t, err := e.target(scope, id)
			if err != nil {
				return err
			}
			vs, err := c.EnvVars.List(cmd.Context(), t, scopeOnly)
			if err != nil {
				return err
			}
			items := []map[string]any{}
			for i := range vs {
				items = append(items, view(&vs[i]))
			}
			return e.list(items, []string{"name", "scope", "value", "isPassword"})
		})}
	list.Flags().BoolVar(&scopeOnly, "scope-only", false, "only variables defined at this scope")
	addTarget(list)
	set := &cobra.Command{Use: "set NAME VALUE", Short: "Create or update a variable", Args: cobra.ExactArgs(2),
		RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
			t, err := e.target(scope, id)
			if err != nil {
				return err
			}
			v, err := c.EnvVars.CreateOrUpdate(cmd.Context(), t, saagie.EnvVarSpec{Name: args[0], Value: args[1], Description: desc, Password: password})
			if err != nil {
				return err
			}
			return e.show(view(v), []string{"name", "scope"})
		})}
	set.Flags().StringVar(&desc, "description", "", "description")
	// Not --password: that is the login's password, a flag of every
	// saagie command; saagieapi calls this one is_password.
	set.Flags().BoolVar(&password, "is-password", false, "store as a password (never shown again)")
	addTarget(set)
	del := &cobra.Command{Use: "delete NAME", Short: "Delete a variable", Args: cobra.ExactArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *saagie.Client, args []string) error {
			t, err := e.target(scope, id)
			if err != nil {
				return err
			}
			if err := c.EnvVars.Delete(cmd.Context(), t, args[0]); err != nil {
				return err
			}
			_, err = fmt.Fprintf(e.a.Out, "Variable %s has been successfully deleted.\n", args[0])
			return err
		})}
	addTarget(del)
	g.AddCommand(list, set, del)
	return g
}
