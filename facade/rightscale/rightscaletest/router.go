package rightscaletest

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// route is one action of the API.
type route struct {
	method string
	path   string // ServeMux pattern under BasePath, e.g. "/clouds/{cloud}"
	public bool   // callable without an access token
	handle func(c *reqCtx) (*reply, *apiError)
}

// reqCtx is what a handler knows about its request. Handlers run with the
// store locked.
type reqCtx struct {
	s   *Server
	r   *http.Request
	p   params
	now time.Time
}

// reply is a successful answer.
type reply struct {
	status     int
	mediaType  string // RightScale type, e.g. "cloud"; "" for plain JSON
	collection bool
	body       any
	location   string // Location of a 201/202
	raw        []byte // a non-JSON body (script source), sent as text/plain
	rawType    string // its Content-Type when not text/plain
	cookies    []*http.Cookie
}

// link is one entry of a resource's links array.
type link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
	// InheritedSource appears on some links (where an input or a setting
	// comes from).
	InheritedSource string `json:"inherited_source,omitempty"`
}

// action is one entry of a resource's actions array.
type action struct {
	Rel string `json:"rel"`
}

func actions(rels ...string) []action {
	out := make([]action, 0, len(rels))
	for _, r := range rels {
		out = append(out, action{r})
	}
	return out
}

func ok(mediaType string, body any) (*reply, *apiError) {
	return &reply{status: http.StatusOK, mediaType: mediaType, body: body}, nil
}

func okList[T any](mediaType string, items []T) (*reply, *apiError) {
	if items == nil {
		items = []T{}
	}
	return &reply{status: http.StatusOK, mediaType: mediaType, collection: true, body: items}, nil
}

func created(href string) (*reply, *apiError) {
	return &reply{status: http.StatusCreated, location: href}, nil
}

func accepted(href string) (*reply, *apiError) {
	return &reply{status: http.StatusAccepted, location: href}, nil
}

func noContent() (*reply, *apiError) { return &reply{status: http.StatusNoContent}, nil }

// mediaType is the Content-Type of a resource or collection answer.
func mediaType(t string, collection bool) string {
	if collection {
		return "application/vnd.rightscale." + t + "+json;type=collection;charset=utf-8"
	}
	return "application/vnd.rightscale." + t + "+json;charset=utf-8"
}

// newHandler builds the routing: one ServeMux pattern per action, behind
// the fault injection, the version check and authentication.
func (s *Server) newHandler() http.Handler {
	mux := http.NewServeMux()
	have := map[string]bool{}
	for _, rt := range s.routes() {
		mux.Handle(rt.method+" "+BasePath+rt.path, s.serveRoute(rt))
		have[rt.method+" "+BasePath+rt.path] = true
	}
	for _, g := range genericOps(have) {
		mux.Handle(g.method+" "+g.path, s.serveRoute(&route{method: g.method, path: g.path, handle: s.genericRoute(g)}))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if !s.versionOK(w, r) {
			return
		}
		writeError(w, errNoRoute)
	})
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
		mux.ServeHTTP(w, r)
	})
}

// versionOK checks the X-API-Version header every call needs: missing is
// a 400, another version a 422 (the documented answer to an invalid
// version).
func (s *Server) versionOK(w http.ResponseWriter, r *http.Request) bool {
	v := r.Header.Get("X-API-Version")
	switch {
	case v == "":
		writeError(w, errParam("Missing X-API-Version header: set it to %s", APIVersion))
		return false
	case v != APIVersion:
		writeError(w, errorf(http.StatusUnprocessableEntity, "InvalidApiVersion: %q is not a supported API version (use %s)", v, APIVersion))
		return false
	}
	return true
}

func (s *Server) serveRoute(rt *route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.versionOK(w, r) {
			return
		}
		if !rt.public {
			tok, cookie := credential(r)
			if !s.validAccess(tok) {
				if cookie {
					writeError(w, errCookie)
				} else {
					writeError(w, errUnauthorized)
				}
				return
			}
		}
		p, perr := readParams(r)
		if perr != nil {
			writeError(w, perr)
			return
		}
		s.mu.Lock()
		c := &reqCtx{s: s, r: r, p: p, now: s.now()}
		rep, herr := rt.handle(c)
		var body []byte
		if herr == nil && rep.body != nil {
			var err error
			body, err = json.Marshal(rep.body)
			if err != nil {
				herr = errorf(http.StatusInternalServerError, "Internal Server Error")
			}
		}
		s.mu.Unlock()
		if herr != nil {
			writeError(w, herr)
			return
		}
		h := w.Header()
		for _, ck := range rep.cookies {
			http.SetCookie(w, ck)
		}
		switch {
		case rep.location != "" || (rep.body == nil && rep.raw == nil && rep.status >= 201 && rep.status != http.StatusNoContent):
			// 201/202: the new resource's href, and a body of one space
			// served as text/html, as the real API sends.
			if rep.location != "" {
				h.Set("Location", rep.location)
			}
			h.Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(rep.status)
			_, _ = w.Write([]byte(" "))
		case rep.status == http.StatusNoContent:
			w.WriteHeader(http.StatusNoContent)
		case rep.raw != nil:
			ct := rep.rawType
			if ct == "" {
				ct = "text/plain; charset=utf-8"
			}
			h.Set("Content-Type", ct)
			h.Set("Content-Length", strconv.Itoa(len(rep.raw)))
			w.WriteHeader(rep.status)
			_, _ = w.Write(rep.raw)
		default:
			ct := "application/json; charset=utf-8"
			if rep.mediaType != "" {
				ct = mediaType(rep.mediaType, rep.collection)
			}
			h.Set("Content-Type", ct)
			h.Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(rep.status)
			_, _ = w.Write(body)
		}
	}
}

// validAccess checks an access token or session cookie: issued by the
// token exchange (or login) and not yet expired by the server's clock.
func (s *Server) validAccess(tok string) bool {
	if tok == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.now()
	for t, exp := range s.tokens {
		if subtle.ConstantTimeCompare([]byte(t), []byte(tok)) == 1 {
			return now.Before(exp)
		}
	}
	return false
}

// pathID is a path parameter.
func (c *reqCtx) pathID(name string) string { return c.r.PathValue(name) }

// view reads and checks the view parameter against the resource's views
// (the first one, "default", when absent).
func (c *reqCtx) view(allowed ...string) (string, *apiError) {
	v, _ := c.p.str("view")
	if v == "" {
		return allowed[0], nil
	}
	if !slices.Contains(allowed, v) {
		return "", errParam("Invalid view %q: valid views are %s", v, strings.Join(allowed, ", "))
	}
	return v, nil
}
