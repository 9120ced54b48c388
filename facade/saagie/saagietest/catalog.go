package saagietest

import (
	"slices"
	"strings"
	"time"
)

// The technology catalog, served by the gateway endpoint: repositories of
// technologies (job, Spark and app technologies) with their runtime
// contexts, and the synchronization reports of each repository.

type technology struct {
	id, technologyID, label, kind, description, repositoryID string
	available                                                bool
	flags                                                    []string
	contexts                                                 []*techContext // job and Spark technologies
	appContexts                                              []*appContext  // app technologies
	lastUpdate                                               time.Time
}

type techContext struct {
	id, label, image, version, trustLevel string
	available, recommended                bool
	deprecation                           time.Time
	// Spark: the language contexts (java-scala, python) and their versions.
	sparkLangs []*sparkLang
}

type sparkLang struct {
	id, label string
	versions  []string
}

type appContext struct {
	id, label, image, version, trustLevel, description string
	available, recommended                             bool
	ports                                              []catalogPort
	volumes                                            []catalogVolume
}

type catalogPort struct {
	name, basePath, scope string
	port                  int
	rewrite               bool
}

type catalogVolume struct{ path, size string }

type repository struct {
	seqd
	id, name, creator, editor string
	url, file                 string // source: one of them
	readOnly                  bool
	created, modified         time.Time
	techs                     []string
	reports                   []*syncReport // oldest first
}

type syncReport struct {
	id               string
	started, ended   time.Time
	trigger, author  string
	url, file        string
	failure          string
	reverted         bool
	revertAt         time.Time
	revertBy         string
	changes          int
	technologyStates []techReport
}

type techReport struct{ id, label, status string }

func (t *technology) hasAvailableContext(id string) bool {
	for _, c := range t.contexts {
		if c.id == id && c.available {
			return true
		}
		for _, l := range c.sparkLangs {
			if slices.Contains(l.versions, id) && c.available {
				return true
			}
		}
	}
	return false
}

func (t *technology) appContext(id string) *appContext {
	for _, c := range t.appContexts {
		if c.id == id {
			return c
		}
	}
	return nil
}

// ---------------------------------------------------------------- objects

func (rc *reqCtx) techObj(t *technology) *object {
	o := obj(t.kind,
		"id", t.id, "technologyId", t.technologyID, "label", t.label, "available", t.available,
		"description", optString(t.description), "icon", nil, "repositoryId", t.repositoryID,
		"lastUpdate", dateTime(t.lastUpdate), "customFlags", nonNilStrings(t.flags),
		"facets", []string{}, "missingFacets", []string{})
	switch t.kind {
	case "JobTechnology":
		o.set("mainClass", nil, "contexts", mapObjs(t.contexts, func(c *techContext) *object { return rc.contextObj("JobContext", c) }))
	case "SparkTechnology":
		o.set("contexts", mapObjs(t.contexts, func(c *techContext) *object {
			co := rc.contextObj("SparkContext", c)
			co.set("technologyContexts", mapObjs(c.sparkLangs, func(l *sparkLang) *object {
				var jobs []*object
				for _, v := range l.versions {
					jobs = append(jobs, rc.contextObj("SparkJobContext", &techContext{id: v, label: v, image: c.image, version: v,
						trustLevel: "Stable", available: c.available, recommended: c.recommended}))
				}
				return obj("SparkTechnologyContext", "id", l.id, "label", l.label, "available", c.available, "recommended", false,
					"trustLevel", "Stable", "deprecationDate", nil, "description", nil, "facets", []string{}, "missingFacets", []string{},
					"jobContexts", jobs)
			}))
			return co
		}))
	case "AppTechnology":
		o.set("baseline", t.label, "backgroundColor", nil, "readme", nil,
			"appContexts", mapObjs(t.appContexts, func(c *appContext) *object {
				var ports []*object
				for _, p := range c.ports {
					ports = append(ports, obj("PortInfo", "name", optString(p.name), "port", p.port, "basePath", optString(p.basePath),
						"rewriteUrl", p.rewrite, "scope", p.scope))
				}
				var vols []*object
				for _, v := range c.volumes {
					vols = append(vols, obj("VolumeInfo", "path", v.path, "size", v.size))
				}
				return obj("AppCatalogContext", "id", c.id, "label", c.label, "available", c.available, "recommended", c.recommended,
					"trustLevel", c.trustLevel, "deprecationDate", nil, "description", optString(c.description),
					"facets", []string{}, "missingFacets", []string{},
					"dockerInfo", obj("DockerInfo", "image", c.image, "version", c.version),
					"lastUpdate", dateTime(t.lastUpdate), "releaseNotes", nil,
					"ports", nonNilObjs(ports), "volumes", nonNilObjs(vols))
			}))
	}
	return o
}

func (rc *reqCtx) contextObj(typ string, c *techContext) *object {
	return obj(typ, "id", c.id, "label", c.label, "available", c.available, "recommended", c.recommended,
		"trustLevel", c.trustLevel, "deprecationDate", optDateTime(c.deprecation), "description", nil,
		"facets", []string{}, "missingFacets", []string{},
		"dockerInfo", obj("DockerInfo", "image", c.image, "version", c.version), "lastUpdate", nil)
}

func sourceObj(url, file string) *object {
	if url != "" {
		return obj("UrlSource", "url", url)
	}
	return obj("FileSource", "name", file)
}

func (rc *reqCtx) reportObj(r *syncReport) *object {
	var src any
	if r.url != "" || r.file != "" {
		src = sourceObj(r.url, r.file)
	}
	var author any
	if r.trigger != "AUTOMATIC" {
		author = r.author
	}
	trigger := obj("SynchronizationTrigger", "author", author, "type", r.trigger)
	if r.failure != "" {
		return obj("FailedSynchronization", "id", r.id, "startedAt", dateTime(r.started), "endedAt", dateTime(r.ended),
			"source", src, "trigger", trigger, "failure", r.failure)
	}
	var revert any
	if r.reverted {
		revert = obj("SynchronizationRevert", "author", r.revertBy, "date", dateTime(r.revertAt))
	}
	var techs []*object
	for _, t := range r.technologyStates {
		techs = append(techs, obj("TechnologySynchronizationReport", "technologyId", t.id, "technologyLabel", t.label, "status", t.status, "message", nil))
	}
	return obj("SuccessfulSynchronization", "id", r.id, "startedAt", dateTime(r.started), "endedAt", dateTime(r.ended),
		"source", src, "trigger", trigger, "issues", []*object{}, "numberOfChanges", r.changes, "revert", revert,
		"technologyReports", nonNilObjs(techs))
}

// lastReversible is the newest successful, unreverted report that has an
// older one to go back to.
func (r *repository) lastReversible() *syncReport {
	for i := len(r.reports) - 1; i > 0; i-- {
		rep := r.reports[i]
		if rep.failure == "" && !rep.reverted {
			return rep
		}
	}
	return nil
}

func (rc *reqCtx) repoFields(typ string, r *repository) *object {
	return obj(typ, "id", r.id, "name", r.name, "creationDate", dateTime(r.created), "creator", r.creator,
		"editor", r.editor, "modificationDate", dateTime(r.modified), "readOnly", r.readOnly, "source", sourceObj(r.url, r.file))
}

func (rc *reqCtx) repositoryObj(r *repository) *object {
	st := rc.st()
	return rc.repoFields("Repository", r).set(
		"technologies", resolver(func(map[string]any) (any, error) {
			var out []*object
			for _, id := range r.techs {
				if t := st.technologies[id]; t != nil {
					out = append(out, rc.techObj(t))
				}
			}
			return nonNilObjs(out), nil
		}),
		"synchronizationReports", resolver(func(a map[string]any) (any, error) {
			var all []*syncReport
			for i := len(r.reports) - 1; i >= 0; i-- {
				if !argBool(a, "withReverted") && r.reports[i].reverted {
					continue
				}
				all = append(all, r.reports[i])
			}
			if argBool(a, "lastSynchronization") && len(all) > 1 {
				all = all[:1]
			}
			var last any
			if lr := r.lastReversible(); lr != nil {
				last = lr.id
			}
			return obj("SynchronizationReports", "count", len(all), "lastReversibleId", last,
				"list", mapObjs(page(all, a), rc.reportObj)), nil
		}),
	)
}

// ---------------------------------------------------------------- roots

func (s *Server) gatewayQuery(rc *reqCtx) *object {
	st := s.st
	techByID := func(id string) *object {
		if t := st.technologies[id]; t != nil {
			return rc.techObj(t)
		}
		return nil
	}
	return obj("Query",
		"repositories", resolver(func(map[string]any) (any, error) {
			return mapObjs(ordered(st.repositories, nil), rc.repositoryObj), nil
		}),
		"repository", resolver(func(a map[string]any) (any, error) {
			r := st.repositories[argStr(a, "id")]
			if r == nil {
				return nil, notExists("Repository")
			}
			return rc.repositoryObj(r), nil
		}),
		"technology", resolver(func(a map[string]any) (any, error) {
			if o := techByID(argStr(a, "id")); o != nil {
				return o, nil
			}
			return nil, nil
		}),
		"technologiesByIds", resolver(func(a map[string]any) (any, error) {
			var out []*object
			for _, id := range argStrings(a, "ids") {
				if o := techByID(id); o != nil {
					out = append(out, o)
				}
			}
			return nonNilObjs(out), nil
		}),
	)
}

func (s *Server) gatewayMutation(rc *reqCtx) *object {
	return obj("Mutation",
		"addRepository", resolver(rc.addRepository),
		"editRepository", resolver(rc.editRepository),
		"removeRepository", resolver(rc.removeRepository),
		"synchronizeRepository", resolver(rc.synchronizeRepository),
		"revertLastSynchronization", resolver(rc.revertLastSynchronization),
	)
}

func (rc *reqCtx) repoNameUsed(name, except string) bool {
	for _, r := range rc.st().repositories {
		if strings.EqualFold(r.name, name) && r.id != except {
			return true
		}
	}
	return false
}

// synchronize records a synchronization. The emulator cannot read
// technology zips or fetch URLs: a synchronization keeps the repository's
// technologies and reports them UNCHANGED.
func (rc *reqCtx) synchronize(r *repository, trigger string, up *Upload) *syncReport {
	rep := &syncReport{id: rc.newUUID(), started: rc.now, ended: rc.now, trigger: trigger, author: rc.user, url: r.url, file: r.file}
	if up != nil {
		rep.file, rep.url = up.Filename, ""
	}
	for _, id := range r.techs {
		if t := rc.st().technologies[id]; t != nil {
			rep.technologyStates = append(rep.technologyStates, techReport{id: t.technologyID, label: t.label, status: "UNCHANGED"})
		}
	}
	r.reports = append(r.reports, rep)
	return rep
}

func (rc *reqCtx) addRepository(a map[string]any) (any, error) {
	in := argMap(a, "repositoryInput")
	name := strings.TrimSpace(argStr(in, "name"))
	if name == "" {
		return nil, notValid("Repository", "name", "EMPTY")
	}
	if rc.repoNameUsed(name, "") {
		return nil, notValid("Repository", "name", "already used")
	}
	up := upload(a, "upload")
	url := argStr(in, "url")
	if up == nil && url == "" {
		return nil, notValid("Repository", "source", "EMPTY")
	}
	r := &repository{seqd: seqd{rc.st().next()}, id: rc.newUUID(), name: name, creator: rc.user, editor: rc.user,
		url: url, created: rc.now, modified: rc.now}
	if up != nil {
		r.file, r.url = up.Filename, ""
	}
	rc.synchronize(r, "INITIAL", up)
	rc.st().repositories[r.id] = r
	return obj("RepositoryMutationResult", "count", 1, "objects", []*object{rc.repoFields("EditedRepository", r)}), nil
}

func (rc *reqCtx) editRepository(a map[string]any) (any, error) {
	in := argMap(a, "repositoryInput")
	r := rc.st().repositories[argStr(in, "id")]
	if r == nil {
		return nil, notExists("Repository")
	}
	if r.readOnly {
		return nil, notValid("Repository", "repository", "READ_ONLY")
	}
	if n := argOptStr(in, "name"); n != nil {
		if rc.repoNameUsed(*n, r.id) {
			return nil, notValid("Repository", "name", "already used")
		}
		r.name = *n
	}
	changed := false
	if u := argOptStr(in, "url"); u != nil && *u != r.url {
		r.url, r.file, changed = *u, "", true
	}
	r.editor, r.modified = rc.user, rc.now
	if changed && argBool(in, "triggerSynchronization") {
		rc.synchronize(r, "URL_UPDATE", nil)
	}
	return obj("RepositoryMutationResult", "count", 1, "objects", []*object{rc.repoFields("EditedRepository", r)}), nil
}

func (rc *reqCtx) removeRepository(a map[string]any) (any, error) {
	r := rc.st().repositories[argStr(a, "id")]
	if r == nil {
		return nil, notExists("Repository")
	}
	if r.readOnly {
		return nil, notValid("Repository", "repository", "READ_ONLY")
	}
	for _, id := range r.techs {
		delete(rc.st().technologies, id)
	}
	delete(rc.st().repositories, r.id)
	return rc.repoFields("DeletedRepository", r), nil
}

func (rc *reqCtx) synchronizeRepository(a map[string]any) (any, error) {
	r := rc.st().repositories[argStr(a, "id")]
	if r == nil {
		return nil, notExists("Repository")
	}
	up := upload(a, "upload")
	if up == nil && r.url == "" {
		return nil, notValid("Repository", "upload", "EMPTY")
	}
	rep := rc.synchronize(r, "MANUAL", up)
	return obj("RepositorySynchro", "count", 1, "report", rc.reportObj(rep), "repositoryId", r.id, "repositoryName", r.name), nil
}

func (rc *reqCtx) revertLastSynchronization(a map[string]any) (any, error) {
	r := rc.st().repositories[argStr(a, "repositoryId")]
	if r == nil {
		return nil, notExists("Repository")
	}
	last := r.lastReversible()
	if last == nil || last.id != argStr(a, "synchronizationReportId") {
		return nil, notValid("Repository", "synchronizationReport", "NOT_REVERSIBLE")
	}
	last.reverted, last.revertAt, last.revertBy = true, rc.now, rc.user
	return obj("RepositorySynchro", "count", 1, "report", rc.reportObj(last), "repositoryId", r.id, "repositoryName", r.name), nil
}
