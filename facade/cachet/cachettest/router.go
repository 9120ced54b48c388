package cachettest

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// authMode is how a route treats the X-Cachet-Token header.
type authMode int

const (
	// authOptional: GET routes. A valid token shows more; a missing or
	// invalid one makes the caller a guest. "Always authenticate" makes
	// the token required. These routes also answer CORS requests.
	authOptional authMode = iota
	// authSystem: ping, version and status. Like authOptional, but exempt
	// from "always authenticate" and without CORS.
	authSystem
	// authRequired: writes and GET /subscribers. 401 without a valid token.
	authRequired
)

// binding is the table a path parameter is bound to (Laravel's route
// model binding): an unknown id is a 404 before anything else is checked.
type binding int

const (
	bComponent binding = iota
	bGroup
	bIncident
	bTemplate
	bUpdate
	bMetric
	bPoint
	bSchedule
	bSubscriber
	bSubscription
)

type param struct {
	name string
	kind binding
}

// route is one route of Cachet's ApiRoutes/ApiSystemRoutes.
type route struct {
	method string
	path   string // under BasePath, with {param} wildcards
	auth   authMode
	params []param
	handle func(c *reqCtx) (int, any, error)
}

// reqCtx is what a handler knows about its request.
type reqCtx struct {
	s      *Server
	r      *http.Request
	w      http.ResponseWriter // for the few routes that set headers
	in     *input
	authed bool           // a valid token was sent
	loc    *time.Location // the zone of this request's dates
	now    time.Time      // one clock reading per request
	ids    [2]int         // bound path parameters, in path order
}

// site is the site's root URL as this request reached it (Laravel builds
// permalinks and pagination links from the request).
func (c *reqCtx) site() string {
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host
}

// routes returns the API's route table, in Laravel's registration order
// (which decides between overlapping paths).
func (s *Server) routes() []*route {
	p := func(name string, kind binding) param { return param{name, kind} }
	comp, grp, inc := p("component", bComponent), p("group", bGroup), p("incident", bIncident)
	tpl, upd, met := p("template", bTemplate), p("update", bUpdate), p("metric", bMetric)
	pt, sch := p("point", bPoint), p("schedule", bSchedule)
	sub, subn := p("subscriber", bSubscriber), p("subscription", bSubscription)
	ps := func(x ...param) []param { return x }
	return []*route{
		{"GET", "/ping", authSystem, nil, s.ping},
		{"GET", "/version", authSystem, nil, s.version},
		{"GET", "/status", authSystem, nil, s.status},

		{"GET", "/components", authOptional, nil, s.listComponents},
		{"GET", "/components/groups", authOptional, nil, s.listGroups},
		{"GET", "/components/groups/{group}", authOptional, ps(grp), s.getGroup},
		{"GET", "/components/{component}", authOptional, ps(comp), s.getComponent},
		{"GET", "/incidents", authOptional, nil, s.listIncidents},
		{"GET", "/incidents/templates", authOptional, nil, s.listTemplates},
		{"GET", "/incidents/templates/{template}", authOptional, ps(tpl), s.getTemplate},
		{"GET", "/incidents/{incident}", authOptional, ps(inc), s.getIncident},
		{"GET", "/incidents/{incident}/updates", authOptional, ps(inc), s.listUpdates},
		{"GET", "/incidents/{incident}/updates/{update}", authOptional, ps(inc, upd), s.getUpdate},
		{"GET", "/metrics", authOptional, nil, s.listMetrics},
		{"GET", "/metrics/{metric}", authOptional, ps(met), s.getMetric},
		{"GET", "/metrics/{metric}/points", authOptional, ps(met), s.listPoints},
		{"GET", "/schedules", authOptional, nil, s.listSchedules},
		{"GET", "/schedules/{schedule}", authOptional, ps(sch), s.getSchedule},

		{"GET", "/subscribers", authRequired, nil, s.listSubscribers},
		{"POST", "/components", authRequired, nil, s.createComponent},
		{"POST", "/components/groups", authRequired, nil, s.createGroup},
		{"POST", "/incidents", authRequired, nil, s.createIncident},
		{"POST", "/incidents/{incident}/updates", authRequired, ps(inc), s.createUpdate},
		{"POST", "/metrics", authRequired, nil, s.createMetric},
		{"POST", "/metrics/{metric}/points", authRequired, ps(met), s.createPoint},
		{"POST", "/schedules", authRequired, nil, s.createSchedule},
		{"POST", "/subscribers", authRequired, nil, s.createSubscriber},
		{"PUT", "/components/groups/{group}", authRequired, ps(grp), s.updateGroup},
		{"PUT", "/components/{component}", authRequired, ps(comp), s.updateComponent},
		{"PUT", "/incidents/{incident}", authRequired, ps(inc), s.updateIncident},
		{"PUT", "/incidents/{incident}/updates/{update}", authRequired, ps(inc, upd), s.editUpdate},
		{"PUT", "/metrics/{metric}", authRequired, ps(met), s.updateMetric},
		{"PUT", "/metrics/{metric}/points/{point}", authRequired, ps(met, pt), s.updatePoint},
		{"PUT", "/schedules/{schedule}", authRequired, ps(sch), s.updateSchedule},
		{"DELETE", "/components/groups/{group}", authRequired, ps(grp), s.deleteGroup},
		{"DELETE", "/components/{component}", authRequired, ps(comp), s.deleteComponent},
		{"DELETE", "/incidents/{incident}", authRequired, ps(inc), s.deleteIncident},
		{"DELETE", "/incidents/{incident}/updates/{update}", authRequired, ps(inc, upd), s.deleteUpdate},
		{"DELETE", "/metrics/{metric}", authRequired, ps(met), s.deleteMetric},
		{"DELETE", "/metrics/{metric}/points/{point}", authRequired, ps(met, pt), s.deletePoint},
		{"DELETE", "/schedules/{schedule}", authRequired, ps(sch), s.deleteSchedule},
		{"DELETE", "/subscribers/{subscriber}", authRequired, ps(sub), s.deleteSubscriber},
		{"DELETE", "/subscriptions/{subscription}", authRequired, ps(subn), s.deleteSubscription},
	}
}

// newHandler builds the routing: an http.ServeMux with one method pattern
// per route, behind the web server's trailing-slash redirect, and a
// catch-all that tells 404 from 405 the way Laravel's router does.
func (s *Server) newHandler() http.Handler {
	table := s.routes()
	mux := http.NewServeMux()
	var templateShow http.HandlerFunc
	for _, rt := range table {
		h := s.serveRoute(rt)
		if rt.method == "GET" && rt.path == "/incidents/templates/{template}" {
			// ServeMux refuses this pattern next to ".../{incident}/updates"
			// (both match /incidents/templates/updates). Laravel tries the
			// template route first; the generic pattern below does the same.
			templateShow = h
			continue
		}
		mux.Handle(rt.method+" "+BasePath+rt.path, h)
	}
	noRoute := func(w http.ResponseWriter, r *http.Request) { s.noRoute(w, r, table) }
	mux.HandleFunc("GET "+BasePath+"/incidents/{incident}/{sub}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("incident") != "templates" {
			noRoute(w, r)
			return
		}
		r.SetPathValue("template", r.PathValue("sub"))
		templateShow(w, r)
	})
	mux.HandleFunc("/", noRoute)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d := s.cfg.latency; d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
			redirectSlash(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// redirectSlash is the stock .htaccess rule of a Cachet install: a URL
// ending in "/" is answered 301 with the same URL without it. Clients that
// follow the redirect for a POST re-send it as a GET, the classic trap.
func redirectSlash(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	loc := scheme + "://" + r.Host + strings.TrimSuffix(r.URL.EscapedPath(), "/")
	if r.URL.RawQuery != "" {
		loc += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", loc)
	w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
	w.WriteHeader(http.StatusMovedPermanently)
	_, _ = io.WriteString(w, "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>301 Moved Permanently</title>\n</head><body>\n<h1>Moved Permanently</h1>\n<p>The document has moved <a href=\""+htmlEscape(loc)+"\">here</a>.</p>\n</body></html>\n")
}

// noRoute answers requests no route takes: 405 when the path exists for
// other methods (OPTIONS then gets Laravel's automatic 200), else 404.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request, table []*route) {
	var methods []string
	cors := false
	if rest, ok := strings.CutPrefix(r.URL.Path, BasePath); ok {
		for _, rt := range table {
			if matchPath(rt.path, rest) && !slices.Contains(methods, rt.method) {
				methods = append(methods, rt.method)
				if rt.method == "GET" {
					methods = append(methods, "HEAD")
				}
				cors = cors || rt.auth == authOptional
			}
		}
	}
	if len(methods) == 0 {
		writeError(w, errNotFound)
		return
	}
	if r.Method == http.MethodOptions {
		h := w.Header()
		if origin := r.Header.Get("Origin"); cors && origin != "" && r.Header.Get("Access-Control-Request-Method") != "" {
			// The CORS preflight of the read routes (barryvdh/laravel-cors
			// with Cachet's config: any origin, any method, X-Cachet-Token).
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Allow-Methods", strings.ToUpper(r.Header.Get("Access-Control-Request-Method")))
			h.Set("Access-Control-Allow-Headers", "X-Cachet-Token")
			h.Set("Access-Control-Max-Age", "3600")
		} else {
			h.Set("Allow", strings.Join(methods, ","))
		}
		h.Set("Content-Type", "text/html; charset=UTF-8")
		h.Set("Cache-Control", "no-cache, private")
		w.WriteHeader(http.StatusOK)
		return
	}
	writeError(w, &httpError{status: http.StatusMethodNotAllowed, allow: strings.Join(methods, ", ")})
}

// matchPath matches a route path with {param} wildcards (one non-empty
// segment each) against a request path.
func matchPath(pattern, path string) bool {
	ps := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	xs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(ps) != len(xs) {
		return false
	}
	for i, seg := range ps {
		if strings.HasPrefix(seg, "{") {
			if xs[i] == "" {
				return false
			}
			continue
		}
		if seg != xs[i] {
			return false
		}
	}
	return true
}

// serveRoute runs one route through Cachet's middleware in its order:
// route model binding (404), Accept (406), Time-Zone, authentication (401),
// then the controller.
func (s *Server) serveRoute(rt *route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := &reqCtx{s: s, r: r, w: w, loc: s.cfg.loc, now: s.now()}
		if len(rt.params) > 0 {
			if err := s.bind(c, rt.params); err != nil {
				writeError(w, err)
				return
			}
		}
		if rt.auth == authOptional && r.Header.Get("Origin") != "" {
			w.Header().Set("Access-Control-Allow-Origin", "*")
		}
		if !acceptsJSON(r.Header.Values("Accept")) {
			writeError(w, errNotAccept)
			return
		}
		if tz := r.Header.Get("Time-Zone"); tz != "" {
			if loc := s.zones.load(tz); loc != nil {
				c.loc = loc
			}
		}
		c.authed = s.validToken(r.Header.Get("X-Cachet-Token"))
		required := rt.auth == authRequired || (rt.auth == authOptional && s.cfg.alwaysAuth)
		if required && !c.authed {
			writeError(w, errUnauthorized)
			return
		}
		in, err := readInput(r)
		if err != nil {
			writeError(w, errBadRequest)
			return
		}
		c.in = in
		status, body, herr := rt.handle(c)
		if herr != nil {
			e, ok := herr.(*httpError)
			if !ok {
				e = errServer
			}
			writeError(w, e)
			return
		}
		if status == http.StatusNoContent {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Cache-Control", "no-cache, private")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		b, merr := json.Marshal(body)
		if merr != nil {
			writeError(w, errServer)
			return
		}
		writeJSONBytes(w, status, b)
	}
}

// bind resolves the path parameters to existing rows, or 404.
func (s *Server) bind(c *reqCtx, params []param) *httpError {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for i, p := range params {
		id, err := strconv.Atoi(c.r.PathValue(p.name))
		if err != nil || id <= 0 || !s.exists(p.kind, id) {
			return errNotFound
		}
		c.ids[i] = id
	}
	return nil
}

// exists reports whether a row is there; the caller holds the lock.
func (s *Server) exists(kind binding, id int) bool {
	st := s.st
	switch kind {
	case bComponent:
		return st.components.get(id) != nil
	case bGroup:
		return st.groups.get(id) != nil
	case bIncident:
		return st.incidents.get(id) != nil
	case bTemplate:
		return st.templates.get(id) != nil
	case bUpdate:
		return st.updates.get(id) != nil
	case bMetric:
		return st.metrics.get(id) != nil
	case bPoint:
		return st.points.get(id) != nil
	case bSchedule:
		return st.schedules.get(id) != nil
	case bSubscriber:
		return st.subscribers.get(id) != nil
	case bSubscription:
		return st.subscriptions.get(id) != nil
	}
	return false
}

// validToken compares in constant time: the emulator may listen on a
// network for `sandbox serve`.
func (s *Server) validToken(tok string) bool {
	return tok != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.cfg.token)) == 1
}

// acceptsJSON is Laravel's $request->accepts('application/json'): true
// without an Accept header, or when one of its types is */*, *,
// application/* or application/json (parameters and q-values ignored).
func acceptsJSON(values []string) bool {
	seen := false
	for _, v := range values {
		for item := range strings.SplitSeq(v, ",") {
			mt, _, _ := strings.Cut(item, ";")
			mt = strings.ToLower(strings.TrimSpace(mt))
			if mt == "" {
				continue
			}
			seen = true
			switch mt {
			case "*/*", "*", "application/*", "application/json":
				return true
			}
		}
	}
	return !seen
}

// gone is the 404 of a row deleted between binding and handling.
func gone() (int, any, error) { return 0, nil, errNotFound }

// one answers a read by id: the row x rendered with out, or 404 when the
// table has no such row (x is nil).
func one[T, O any](x *T, out func(*T) O) (int, any, error) {
	if x == nil {
		return gone()
	}
	return single(out(x))
}

// single answers 200 with one object in the {"data": ...} envelope.
func single[T any](v T) (int, any, error) { return http.StatusOK, dataEnvelope[T]{v}, nil }

type dataEnvelope[T any] struct {
	Data T `json:"data"`
}

func noContent() (int, any, error) { return http.StatusNoContent, nil, nil }
