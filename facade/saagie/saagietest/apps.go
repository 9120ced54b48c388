package saagietest

import (
	"strings"
	"time"
)

func (rc *reqCtx) readAppVersion(projectID string, in map[string]any, techID string) (*appVersion, error) {
	v := &appVersion{created: rc.now, creator: rc.user, releaseNote: argStr(in, "releaseNote"),
		runtimeContextID: argStr(in, "runtimeContextId")}
	if d := argMap(in, "dockerInfo"); d != nil {
		v.image, v.credsID = argStr(d, "image"), argStr(d, "dockerCredentialsId")
		if v.credsID != "" {
			if c := rc.st().dockerCreds[v.credsID]; c == nil || c.projectID != projectID {
				return nil, notValid("App", "dockerCredentials", "NOT_EXISTS")
			}
		}
	}
	if (v.image == "") == (v.runtimeContextID == "") {
		return nil, notValid("App", "version", "DOCKER_INFO_OR_RUNTIME_CONTEXT_REQUIRED")
	}
	if v.runtimeContextID != "" {
		tech := rc.st().technologies[techID]
		if tech == nil || tech.appContext(v.runtimeContextID) == nil {
			return nil, notValid("App", "runtimeContextId", "NOT_EXISTS")
		}
	}
	for _, x := range argList(in, "ports") {
		m, _ := x.(map[string]any)
		n, _ := argInt(m, "number")
		v.ports = append(v.ports, port{name: argStr(m, "name"), number: n, rewrite: argBool(m, "isRewriteUrl"),
			basePathVar: argStr(m, "basePathVariableName"), scope: argStr(m, "scope")})
	}
	for _, x := range argList(in, "volumesWithPath") {
		m, _ := x.(map[string]any)
		if m == nil {
			continue
		}
		vol := rc.st().volumes[argStr(m, "volumeId")]
		if vol == nil || vol.projectID != projectID {
			return nil, notValid("App", "volume", "NOT_EXISTS")
		}
		v.volumes = append(v.volumes, volumeMount{path: argStr(m, "path"), volumeID: vol.id})
	}
	return v, nil
}

func (rc *reqCtx) appNameUsed(projectID, name, except string) bool {
	for _, a := range rc.st().apps {
		if a.projectID == projectID && a.name == name && a.id != except {
			return true
		}
	}
	return false
}

// newApp stores an app with its first version; it is STOPPED until run.
func (rc *reqCtx) newApp(p *project, name, description, techID string, v *appVersion) *app {
	v.number = 1
	ap := &app{seqd: seqd{rc.st().next()}, id: rc.newUUID(), projectID: p.id, name: name, description: description,
		technologyID: techID, created: rc.now, creator: rc.user, versions: []*appVersion{v}, currentVersion: 1,
		historyID: rc.newUUID()}
	rc.st().apps[ap.id] = ap
	return ap
}

func (rc *reqCtx) createApp(a map[string]any) (any, error) {
	in := argMap(a, "app")
	p, err := rc.getProject(argStr(in, "projectId"))
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(argStr(in, "name"))
	if name == "" {
		return nil, notValid("App", "name", "EMPTY")
	}
	if rc.appNameUsed(p.id, name, "") {
		return nil, notValid("App", "name", "already used")
	}
	techID := argStr(in, "technologyId")
	if t := rc.st().technologies[techID]; t == nil || t.kind != "AppTechnology" {
		return nil, notValid("App", "technology", "NOT_EXISTS")
	}
	v, err := rc.readAppVersion(p.id, argMap(in, "version"), techID)
	if err != nil {
		return nil, err
	}
	ap := rc.newApp(p, name, argStr(in, "description"), techID, v)
	ap.alerting = readAlerting(argMap(in, "alerting"))
	ap.resources = readResources(argMap(in, "resources"))
	return rc.appObj(ap), nil
}

// installApp creates an app from a catalog technology's context, named
// after the technology [inferred].
func (rc *reqCtx) installApp(a map[string]any) (any, error) {
	p, err := rc.getProject(argStr(a, "projectId"))
	if err != nil {
		return nil, err
	}
	t := rc.st().technologies[argStr(a, "technologyId")]
	if t == nil || t.kind != "AppTechnology" {
		return nil, notValid("App", "technology", "NOT_EXISTS")
	}
	ctx := t.appContext(argStr(a, "contextId"))
	if ctx == nil || !ctx.available {
		return nil, notValid("App", "context", "NOT_EXISTS")
	}
	v := &appVersion{created: rc.now, creator: rc.user, runtimeContextID: ctx.id}
	for _, pt := range ctx.ports {
		v.ports = append(v.ports, port{name: pt.name, number: pt.port, rewrite: pt.rewrite, basePathVar: pt.basePath, scope: pt.scope})
	}
	name := copyNameIfUsed(t.label, func(n string) bool { return rc.appNameUsed(p.id, n, "") })
	ap := rc.newApp(p, name, t.description, t.id, v)
	return rc.appObj(ap), nil
}

func copyNameIfUsed(name string, used func(string) bool) string {
	if !used(name) {
		return name
	}
	return copyName(name, used)
}

func (rc *reqCtx) editApp(a map[string]any) (any, error) {
	in := argMap(a, "appEdition")
	ap, err := rc.getApp(argStr(in, "id"))
	if err != nil {
		return nil, err
	}
	next := *ap
	if n := argOptStr(in, "name"); n != nil {
		if strings.TrimSpace(*n) == "" {
			return nil, notValid("App", "name", "EMPTY")
		}
		if rc.appNameUsed(ap.projectID, *n, ap.id) {
			return nil, notValid("App", "name", "already used")
		}
		next.name = *n
	}
	if d := argOptStr(in, "description"); d != nil {
		next.description = *d
	}
	if has(in, "alerting") {
		next.alerting = readAlerting(argMap(in, "alerting"))
	}
	if has(in, "resources") {
		next.resources = readResources(argMap(in, "resources"))
	}
	*ap = next
	return rc.appObj(ap), nil
}

func (rc *reqCtx) addAppVersion(a map[string]any) (any, error) {
	ap, err := rc.getApp(argStr(a, "appId"))
	if err != nil {
		return nil, err
	}
	v, err := rc.readAppVersion(ap.projectID, argMap(a, "version"), ap.technologyID)
	if err != nil {
		return nil, err
	}
	v.number = ap.versions[len(ap.versions)-1].number + 1
	ap.versions = append(ap.versions, v)
	ap.currentVersion = v.number
	return rc.appVersionObj(v), nil
}

func (rc *reqCtx) rollbackAppVersion(a map[string]any) (any, error) {
	ap, err := rc.getApp(argStr(a, "appId"))
	if err != nil {
		return nil, err
	}
	n, _ := argInt(a, "versionNumber")
	v := ap.version(n)
	if v == nil {
		return nil, notValid("App", "version", "NOT_EXISTS")
	}
	if has(a, "volumesWithPath") && a["volumesWithPath"] != nil {
		var mounts []volumeMount
		for _, x := range argList(a, "volumesWithPath") {
			m, _ := x.(map[string]any)
			if m == nil {
				continue
			}
			vol := rc.st().volumes[argStr(m, "volumeId")]
			if vol == nil || vol.projectID != ap.projectID {
				return nil, notValid("App", "volume", "NOT_EXISTS")
			}
			mounts = append(mounts, volumeMount{path: argStr(m, "path"), volumeID: vol.id})
		}
		v.volumes = mounts
	}
	ap.currentVersion = n
	return rc.appObj(ap), nil
}

func (rc *reqCtx) appAction(ap *app, kind string) {
	at := lastEventTime(ap, rc.now)
	exec := rc.newUUID()
	if kind == "StopAction" && len(ap.events) > 0 {
		exec = ap.events[len(ap.events)-1].executionID
	}
	ap.events = append(ap.events, appEvent{id: rc.newUUID(), kind: kind, executionID: exec, version: ap.currentVersion, at: at, author: rc.user})
}

func (rc *reqCtx) runApp(a map[string]any) (any, error) {
	ap, err := rc.getApp(argStr(a, "id"))
	if err != nil {
		return nil, err
	}
	rc.appAction(ap, "RunAction")
	return rc.appObj(ap), nil
}

func (rc *reqCtx) stopApp(a map[string]any) (any, error) {
	ap, err := rc.getApp(argStr(a, "id"))
	if err != nil {
		return nil, err
	}
	if st, _ := rc.appStatus(ap); st != "STOPPED" && st != "STOPPING" {
		rc.appAction(ap, "StopAction")
	}
	return rc.appObj(ap), nil
}

func (rc *reqCtx) deleteApp(a map[string]any) (any, error) {
	ap, err := rc.getApp(argStr(a, "appId"))
	if err != nil {
		return nil, err
	}
	o := rc.appObj(ap)
	for id, v := range rc.st().envVars {
		if v.entityID == ap.id {
			delete(rc.st().envVars, id)
		}
	}
	delete(rc.st().apps, ap.id)
	return o, nil
}

func (rc *reqCtx) appByHistory(id string) *app {
	for _, a := range rc.st().apps {
		if a.historyID == id {
			return a
		}
	}
	return nil
}

// appStatusesFor lists the statuses of one version since startTime,
// newest first.
func (rc *reqCtx) appStatusesFor(ap *app, args map[string]any) []statusEvent {
	n, _ := argInt(args, "versionNumber")
	since, _ := parseDateTime(argStr(args, "startTime"))
	var out []statusEvent
	for i := len(ap.events) - 1; i >= 0; i-- {
		if ap.events[i].version != n {
			continue
		}
		sts := rc.appEventStatuses(ap, i)
		for j := len(sts) - 1; j >= 0; j-- {
			if !sts[j].at.Before(since) {
				out = append(out, sts[j])
			}
		}
	}
	return out
}

// appStats computes uptime from the STARTED periods since the first run.
func (rc *reqCtx) appStats(ap *app) (up, down float64, recovered int) {
	if len(ap.events) == 0 {
		return 0, 100, 0
	}
	start := ap.events[0].at
	total := rc.now.Sub(start)
	if total <= 0 {
		return 100, 0, 0
	}
	var upTime time.Duration
	for i := range ap.events {
		var startedAt time.Time
		for _, s := range rc.appEventStatuses(ap, i) {
			if s.status == "STARTED" {
				startedAt = s.at
			}
		}
		if startedAt.IsZero() {
			continue
		}
		end := rc.now
		if i+1 < len(ap.events) {
			end = ap.events[i+1].at
		}
		upTime += end.Sub(startedAt)
	}
	up = round2(100 * float64(upTime) / float64(total))
	return up, round2(100 - up), 0
}
