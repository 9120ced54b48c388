package rightscaletest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/switchboard-go/switchboard/gen/rightscaleapi"
)

// The resources the emulator does not model one by one (alerts, volumes,
// credentials, users, ...) are served by a generic store driven by the
// API description: index with the resource's filters and views, show,
// create (201 + Location, required parameters checked), update (204) and
// destroy (204); custom actions answer their documented success status.
// They keep what they are given and nothing happens behind them.

// genRow is one stored generic resource.
type genRow struct {
	href  string
	attrs map[string]any
	links []link
}

// genericStore holds the generic resources by href, in creation order.
type genericStore struct {
	rows  map[string]*genRow
	order []string
}

func newGenericStore() *genericStore { return &genericStore{rows: map[string]*genRow{}} }

func (g *genericStore) exists(href string) bool { return g.rows[href] != nil }

func (g *genericStore) add(r *genRow) {
	g.rows[r.href] = r
	g.order = append(g.order, r.href)
}

func (g *genericStore) del(href string) {
	delete(g.rows, href)
	g.order = slices.DeleteFunc(g.order, func(h string) bool { return h == href })
}

// in returns the rows directly under the collection path coll.
func (g *genericStore) in(coll string) []*genRow {
	var out []*genRow
	for _, h := range g.order {
		if strings.HasPrefix(h, coll+"/") && !strings.Contains(h[len(coll)+1:], "/") {
			out = append(out, g.rows[h])
		}
	}
	return out
}

// AddResource stores a resource the emulator does not model (an alert,
// a cookbook, a volume, ...) at href, with the attributes its show
// returns (links and actions are added). Its parent collection's index
// lists it. It panics when href is taken.
func (s *Server) AddResource(href string, attrs map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.exists(href) {
		seedPanic("%s exists", href)
	}
	r := &genRow{href: href, attrs: map[string]any{}}
	for k, v := range attrs {
		r.attrs[k] = v
	}
	s.generic.add(r)
}

// genOp is one operation of the API description served generically.
type genOp struct {
	method, path string
	kind         string // index, show, create, update, destroy, custom
	media        string // vnd.rightscale type of the resource
	resource     string // schema name, for error messages
	schema       *specSchema
	body         *specSchema // the create/update parameters object
	bodyKey      string      // its key in the request ("alert_spec")
	filters      filterSpec
	views        []string
	required     []string // required query parameters
	status       int      // success status of a custom action
	custom       string   // content type of a custom action's 200, "" for none
	customSchema *specSchema
}

// apiSpec is the API description embedded in the generated client,
// decoded once, on first use.
var apiSpec = sync.OnceValues(func() (*specDoc, error) {
	raw, err := rightscaleapi.GetSpecJSON()
	if err != nil {
		return nil, err
	}
	return parseSpec(raw)
})

// filterFields reads the field names out of a filter parameter's pattern;
// compiled on first use, not at the init of every binary linking the
// emulator.
var filterFields = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\^\(([a-z_|]+)\)`) })

// genericOps lists the operations of the description that no hand-made
// route serves.
func genericOps(have map[string]bool) []*genOp {
	doc, err := apiSpec()
	if err != nil || doc == nil {
		return nil
	}
	// The resource schema and media type of each collection, from its
	// index or show operation.
	type res struct {
		media, name string
		schema      *specSchema
	}
	byColl := map[string]res{}
	collOf := func(p string) string { return strings.TrimSuffix(p, "/{id}") }
	for p, item := range doc.Paths {
		if item.Get == nil {
			continue
		}
		resp := doc.response(item.Get.Responses["200"])
		if resp == nil {
			continue
		}
		for ct, mt := range resp.Content {
			if !strings.HasPrefix(ct, "application/vnd.rightscale.") || mt == nil || mt.Schema == nil {
				continue
			}
			sref := mt.Schema
			if v := sref.value(); v != nil && v.Type == "array" && v.Items != nil {
				sref = v.Items
			}
			name := sref.Ref[strings.LastIndexByte(sref.Ref, '/')+1:]
			media := strings.TrimSuffix(strings.TrimPrefix(ct, "application/vnd.rightscale."), "+json")
			if _, ok := byColl[collOf(p)]; !ok || strings.HasPrefix(strings.ToLower(item.Get.OperationID), "index") {
				byColl[collOf(p)] = res{media, name, sref.value()}
			}
		}
	}
	var out []*genOp
	for p, item := range doc.Paths {
		for method, op := range item.operations() {
			if have[method+" "+p] {
				continue
			}
			g := &genOp{method: method, path: p}
			// The embedded copy capitalises operation ids (ShowAlert).
			id := strings.ToLower(op.OperationID[:min(1, len(op.OperationID))]) + op.OperationID[min(1, len(op.OperationID)):]
			switch {
			case method == "GET" && strings.HasPrefix(id, "index"):
				g.kind = "index"
			case method == "GET" && strings.HasPrefix(id, "show") && strings.HasSuffix(p, "/{id}"):
				g.kind = "show"
			case method == "POST" && strings.HasPrefix(id, "create"):
				g.kind = "create"
			case method == "PUT" && strings.HasPrefix(id, "update") && strings.HasSuffix(p, "/{id}"):
				g.kind = "update"
			case method == "DELETE" && strings.HasPrefix(id, "destroy"):
				g.kind = "destroy"
			default:
				g.kind = "custom"
			}
			coll := p
			if g.kind == "show" || g.kind == "update" || g.kind == "destroy" {
				coll = collOf(p)
			}
			if r, ok := byColl[coll]; ok {
				g.media, g.resource, g.schema = r.media, r.name, r.schema
			}
			for _, ref := range op.Parameters {
				pr := doc.parameter(ref)
				if pr == nil || pr.Schema == nil || pr.Schema.value() == nil {
					continue
				}
				sc := pr.Schema.value()
				if pr.In == "query" && pr.Required {
					g.required = append(g.required, pr.Name)
				}
				switch pr.Name {
				case "filter[]":
					if items := sc.Items.value(); items != nil {
						if m := filterFields().FindStringSubmatch(items.Pattern); m != nil {
							g.filters = parseFilterDoc(strings.Split(m[1], "|"), pr.Description)
						}
					}
				case "view":
					for _, e := range sc.Enum {
						if s, ok := e.(string); ok {
							g.views = append(g.views, s)
						}
					}
				}
			}
			if body := doc.requestBody(op.RequestBody); body != nil {
				if mt := body.Content.get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.value() != nil {
					sc := mt.Schema.value()
					if len(sc.Required) == 1 {
						if pr := sc.Properties[sc.Required[0]].value(); pr != nil && pr.Type == "object" {
							g.bodyKey, g.body = sc.Required[0], pr
						}
					}
				}
			}
			if g.kind == "custom" {
				for code, ref := range op.Responses {
					n, err := strconv.Atoi(code)
					if err != nil || n < 200 || n > 299 {
						continue
					}
					g.status = n
					if r := doc.response(ref); r != nil {
						for ct, mt := range r.Content {
							g.custom = ct
							if mt != nil && mt.Schema != nil {
								g.customSchema = mt.Schema.value()
							}
						}
					}
				}
			}
			if len(g.views) == 0 {
				g.views = []string{"default"}
			}
			out = append(out, g)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].method+out[i].path < out[j].method+out[j].path })
	return out
}

// parseFilterDoc splits the fields into partial and exact ones, as the
// filter parameter's description lists them ("Partial, case-insensitive
// substring match: `name`, `description`;").
func parseFilterDoc(fields []string, desc string) filterSpec {
	var partial []string
	if _, rest, ok := strings.Cut(desc, "substring match:"); ok {
		rest, _, _ = strings.Cut(rest, ";")
		for _, f := range strings.Split(rest, ",") {
			partial = append(partial, strings.Trim(strings.TrimSpace(f), "`"))
		}
	}
	var fs filterSpec
	for _, f := range fields {
		if slices.Contains(partial, f) {
			fs.partial = append(fs.partial, f)
		} else {
			fs.exact = append(fs.exact, f)
		}
	}
	return fs
}

// concrete fills the path's parameters from the request.
func (c *reqCtx) concrete(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			segs[i] = c.pathID(strings.Trim(s, "{}"))
		}
	}
	return strings.Join(segs, "/")
}

// checkParents checks that every resource named on the way to the
// operation's collection exists.
func (c *reqCtx) checkParents(path string) *apiError {
	segs := strings.Split(path, "/")
	last := len(segs)
	if strings.HasSuffix(path, "/{id}") {
		last--
	}
	for i := 0; i < last; i++ {
		if !strings.HasPrefix(segs[i], "{") {
			continue
		}
		href := c.concrete(strings.Join(segs[:i+1], "/"))
		if !c.s.exists(href) {
			return errNotFound(kindName(segs[i-1]), lastSeg(href))
		}
	}
	return nil
}

// kindName turns a collection name into a model name for messages
// ("server_arrays" → "ServerArray").
func kindName(coll string) string {
	if strings.HasSuffix(coll, "sses") {
		coll = strings.TrimSuffix(coll, "es")
	} else {
		coll = strings.TrimSuffix(coll, "s")
	}
	var b strings.Builder
	for _, w := range strings.Split(coll, "_") {
		if w != "" {
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}

func (s *Server) genericRoute(g *genOp) func(c *reqCtx) (*reply, *apiError) {
	return func(c *reqCtx) (*reply, *apiError) {
		if err := c.checkParents(g.path); err != nil {
			return nil, err
		}
		for _, q := range g.required {
			if v, _ := c.p.str(q); v == "" {
				return nil, errParam("Missing parameter: %s", q)
			}
		}
		if g.kind == "index" || g.kind == "show" {
			if _, err := c.view(g.views...); err != nil {
				return nil, err
			}
		}
		switch g.kind {
		case "index":
			fs, err := c.filters(g.filters)
			if err != nil {
				return nil, err
			}
			var out []map[string]any
			for _, r := range s.generic.in(c.concrete(g.path)) {
				if match(fs, func(f string) []string { return genField(r, f) }) {
					out = append(out, s.renderGeneric(r, g))
				}
			}
			return okList(g.media, out)
		case "create":
			return c.genericCreate(g)
		}
		href := c.concrete(g.path)
		if g.kind == "custom" {
			return c.genericCustom(g, href)
		}
		r := s.generic.rows[href]
		if r == nil {
			return nil, errNotFound(g.resource, lastSeg(href))
		}
		switch g.kind {
		case "show":
			return ok(g.media, s.renderGeneric(r, g))
		case "update":
			if err := c.genericFill(g, r, false); err != nil {
				return nil, err
			}
			return noContent()
		default: // destroy
			s.generic.del(href)
			s.untag(href)
			return noContent()
		}
	}
}

func genField(r *genRow, f string) []string {
	if rel, ok := strings.CutSuffix(f, "_href"); ok {
		for _, l := range r.links {
			if l.Rel == rel {
				return one(l.Href)
			}
		}
		return nil
	}
	switch v := r.attrs[f].(type) {
	case string:
		return one(v)
	case bool:
		return one(strconv.FormatBool(v))
	case json.Number:
		return one(v.String())
	case int:
		return one(strconv.Itoa(v))
	}
	return nil
}

func (s *Server) renderGeneric(r *genRow, g *genOp) map[string]any {
	m := make(map[string]any, len(r.attrs)+2)
	for k, v := range r.attrs {
		m[k] = v
	}
	m["links"] = append([]link{{Rel: "self", Href: r.href}}, r.links...)
	if g.schema == nil || g.schema.Properties["actions"] != nil {
		m["actions"] = actions()
	}
	return m
}

func (c *reqCtx) genericCreate(g *genOp) (*reply, *apiError) {
	coll := c.concrete(g.path)
	id := c.s.st.numID()
	if strings.HasPrefix(coll, BasePath+"/clouds/") {
		id = c.s.st.uid()
	}
	r := &genRow{href: coll + "/" + id, attrs: map[string]any{}}
	if g.schema != nil {
		for _, k := range []string{"created_at", "updated_at"} {
			if g.schema.Properties[k] != nil {
				r.attrs[k] = rubyTime(c.now)
			}
		}
	}
	if err := c.genericFill(g, r, true); err != nil {
		return nil, err
	}
	c.s.generic.add(r)
	return created(r.href)
}

// genericFill copies the request's parameters that the resource shows
// into r, with the resource's types; *_href parameters become links.
func (c *reqCtx) genericFill(g *genOp, r *genRow, create bool) *apiError {
	var in params
	if g.bodyKey != "" {
		in = c.p.obj(g.bodyKey)
		if in == nil {
			return errParam("Missing parameter: %s", g.bodyKey)
		}
	}
	if create && g.body != nil {
		for _, req := range g.body.Required {
			if v, ok := in[req]; !ok || v == "" {
				return errInvalid(req, "can't be blank")
			}
		}
	}
	for k, v := range in {
		if rel, ok := strings.CutSuffix(k, "_href"); ok {
			if h, ok := scalar(v); ok && h != "" {
				r.links = slices.DeleteFunc(r.links, func(l link) bool { return l.Rel == rel })
				r.links = append(r.links, link{Rel: rel, Href: h})
			}
			continue
		}
		if g.schema == nil || k == "links" || k == "actions" {
			continue
		}
		p := g.schema.Properties[k].value()
		if p == nil {
			continue
		}
		if cv, ok := coerce(v, p); ok {
			r.attrs[k] = cv
		}
	}
	if !create && g.schema != nil && g.schema.Properties["updated_at"] != nil {
		r.attrs["updated_at"] = rubyTime(c.now)
	}
	return nil
}

// coerce converts a request value to the type the resource schema gives
// the attribute, or reports that it cannot.
func coerce(v any, sc *specSchema) (any, bool) {
	s, isScalar := scalar(v)
	switch sc.Type {
	case "string":
		if sc.Pattern != "" {
			return nil, false // timestamps and other formatted values are the server's
		}
		return s, isScalar
	case "integer":
		n, err := strconv.Atoi(s)
		return n, isScalar && err == nil
	case "boolean":
		return s == "true", isScalar && (s == "true" || s == "false")
	case "array":
		_, ok := v.([]any)
		return v, ok
	case "object":
		_, ok := v.(map[string]any)
		return v, ok
	}
	return nil, false
}

// genericCustom answers a custom action with its documented success.
func (c *reqCtx) genericCustom(g *genOp, actionHref string) (*reply, *apiError) {
	target := actionHref[:strings.LastIndexByte(actionHref, '/')] // the resource or collection acted on
	onResource := strings.HasSuffix(g.path[:strings.LastIndexByte(g.path, '/')], "}")
	if onResource && !c.s.exists(target) {
		return nil, errNotFound(kindName(target[:strings.LastIndexByte(target, '/')][strings.LastIndexByte(target[:strings.LastIndexByte(target, '/')], '/')+1:]), lastSeg(target))
	}
	switch g.status {
	case http.StatusNoContent:
		return noContent()
	case http.StatusCreated:
		if r := c.s.generic.rows[target]; r != nil {
			cp := &genRow{href: target[:strings.LastIndexByte(target, '/')+1] + c.s.st.numID(), attrs: map[string]any{}, links: slices.Clone(r.links)}
			for k, v := range r.attrs {
				cp.attrs[k] = v
			}
			c.s.generic.add(cp)
			return created(cp.href)
		}
		return created(target)
	case http.StatusAccepted:
		return accepted(target)
	}
	rep := &reply{status: g.status}
	switch {
	case g.custom == "":
		rep.raw = []byte{}
	case strings.HasPrefix(g.custom, "application/vnd.rightscale.text"), strings.HasPrefix(g.custom, "text/"):
		detail := ""
		if r := c.s.generic.rows[target]; r != nil {
			detail, _ = r.attrs["detail"].(string)
		}
		rep.raw, rep.rawType = []byte(detail), g.custom
	case g.customSchema != nil && g.customSchema.Type == "array":
		rep.body, rep.collection = []any{}, true
		rep.mediaType = strings.TrimSuffix(strings.TrimPrefix(g.custom, "application/vnd.rightscale."), "+json")
		if !strings.HasPrefix(g.custom, "application/vnd.rightscale.") {
			rep.mediaType, rep.collection = "", false
		}
	default:
		rep.body = map[string]any{}
	}
	return rep, nil
}

// The part of the OpenAPI document the generic routes read, decoded from
// the generated client's raw JSON. (kin-openapi's loader would do, but
// its package init compiles JSON Schema meta-schemas, which every CLI
// invocation linking this emulator paid at start-up.) References are
// resolved as kin-openapi resolves them: the referring object keeps its
// $ref and value() gives the object it names.
type specDoc struct {
	Paths      map[string]*specPathItem `json:"paths"`
	Components struct {
		Schemas       map[string]*specSchema      `json:"schemas"`
		Parameters    map[string]*specParameter   `json:"parameters"`
		Responses     map[string]*specResponse    `json:"responses"`
		RequestBodies map[string]*specRequestBody `json:"requestBodies"`
	} `json:"components"`
}

type specPathItem struct {
	Get     *specOperation `json:"get"`
	Put     *specOperation `json:"put"`
	Post    *specOperation `json:"post"`
	Delete  *specOperation `json:"delete"`
	Options *specOperation `json:"options"`
	Head    *specOperation `json:"head"`
	Patch   *specOperation `json:"patch"`
	Trace   *specOperation `json:"trace"`
}

// operations returns the item's operations by HTTP method.
func (it *specPathItem) operations() map[string]*specOperation {
	ops := make(map[string]*specOperation, 4)
	for m, op := range map[string]*specOperation{
		http.MethodGet: it.Get, http.MethodPut: it.Put, http.MethodPost: it.Post,
		http.MethodDelete: it.Delete, http.MethodOptions: it.Options, http.MethodHead: it.Head,
		http.MethodPatch: it.Patch, http.MethodTrace: it.Trace,
	} {
		if op != nil {
			ops[m] = op
		}
	}
	return ops
}

type specOperation struct {
	OperationID string                   `json:"operationId"`
	Parameters  []*specParameter         `json:"parameters"`
	RequestBody *specRequestBody         `json:"requestBody"`
	Responses   map[string]*specResponse `json:"responses"`
}

type specParameter struct {
	Ref         string      `json:"$ref"`
	Name        string      `json:"name"`
	In          string      `json:"in"`
	Description string      `json:"description"`
	Required    bool        `json:"required"`
	Schema      *specSchema `json:"schema"`
}

type specRequestBody struct {
	Ref     string      `json:"$ref"`
	Content specContent `json:"content"`
}

type specResponse struct {
	Ref     string      `json:"$ref"`
	Content specContent `json:"content"`
}

type specMediaType struct {
	Schema *specSchema `json:"schema"`
}

// specContent maps media types to their descriptions.
type specContent map[string]*specMediaType

// get finds the description of mime as kin-openapi's Content.Get does:
// the exact type, then without parameters, then type/*, then */*.
func (c specContent) get(mime string) *specMediaType {
	if mime == "" {
		return c["*/*"]
	}
	mime = strings.ToLower(strings.TrimSpace(mime))
	if v := c[mime]; v != nil {
		return v
	}
	base, _, _ := strings.Cut(mime, ";")
	base = strings.TrimSpace(base)
	if v := c[base]; v != nil {
		return v
	}
	typ, _, ok := strings.Cut(base, "/")
	if !ok {
		return nil
	}
	if v := c[typ+"/*"]; v != nil {
		return v
	}
	return c["*/*"]
}

type specSchema struct {
	Ref        string                 `json:"$ref"`
	Type       string                 `json:"type"`
	Pattern    string                 `json:"pattern"`
	Enum       []any                  `json:"enum"`
	Required   []string               `json:"required"`
	Items      *specSchema            `json:"items"`
	Properties map[string]*specSchema `json:"properties"`
	target     *specSchema            // what Ref names, set by parseSpec
}

// value returns the schema s stands for: s itself, or what its $ref
// names. It is nil for a nil s.
func (s *specSchema) value() *specSchema {
	for range 16 {
		if s == nil || s.Ref == "" {
			return s
		}
		s = s.target
	}
	return nil // a cycle of references
}

const (
	schemaRefs    = "#/components/schemas/"
	parameterRefs = "#/components/parameters/"
	responseRefs  = "#/components/responses/"
	bodyRefs      = "#/components/requestBodies/"
)

// parseSpec decodes the document and links every schema reference,
// failing on a reference to nothing, as kin-openapi's loader does.
func parseSpec(raw []byte) (*specDoc, error) {
	var d specDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("rightscaletest: decoding the API description: %w", err)
	}
	l := linker{doc: &d, seen: map[*specSchema]bool{}}
	for _, s := range d.Components.Schemas {
		l.schema(s)
	}
	for _, p := range d.Components.Parameters {
		if p != nil {
			l.schema(p.Schema)
		}
	}
	for _, r := range d.Components.Responses {
		if r != nil {
			l.content(r.Content)
		}
	}
	for _, b := range d.Components.RequestBodies {
		if b != nil {
			l.content(b.Content)
		}
	}
	for _, item := range d.Paths {
		if item == nil {
			continue
		}
		for _, op := range item.operations() {
			for _, p := range op.Parameters {
				if p == nil || d.parameter(p) == nil {
					l.fail(refOf(p))
					continue
				}
				l.schema(p.Schema)
			}
			if op.RequestBody != nil {
				if d.requestBody(op.RequestBody) == nil {
					l.fail(op.RequestBody.Ref)
				}
				l.content(op.RequestBody.Content)
			}
			for _, r := range op.Responses {
				if d.response(r) == nil {
					l.fail(r.Ref)
				}
				if r != nil {
					l.content(r.Content)
				}
			}
		}
	}
	if l.err != nil {
		return nil, l.err
	}
	return &d, nil
}

// linker sets the target of every schema reference of a document.
type linker struct {
	doc  *specDoc
	seen map[*specSchema]bool
	err  error
}

// refOf is p's $ref, for an error message.
func refOf(p *specParameter) string {
	if p == nil {
		return "null"
	}
	return p.Ref
}

func (l *linker) fail(ref string) {
	if l.err == nil {
		l.err = fmt.Errorf("rightscaletest: the API description refers to %q, which it does not define", ref)
	}
}

func (l *linker) content(c specContent) {
	for _, mt := range c {
		if mt != nil {
			l.schema(mt.Schema)
		}
	}
}

func (l *linker) schema(s *specSchema) {
	if s == nil || l.seen[s] {
		return
	}
	l.seen[s] = true
	if s.Ref != "" {
		name, ok := strings.CutPrefix(s.Ref, schemaRefs)
		if s.target = l.doc.Components.Schemas[name]; !ok || s.target == nil {
			l.fail(s.Ref)
		}
	}
	l.schema(s.Items)
	for _, p := range s.Properties {
		l.schema(p)
	}
}

// parameter returns the parameter p stands for, following its $ref.
func (d *specDoc) parameter(p *specParameter) *specParameter {
	if p == nil || p.Ref == "" {
		return p
	}
	name, ok := strings.CutPrefix(p.Ref, parameterRefs)
	if !ok {
		return nil
	}
	return d.Components.Parameters[name]
}

// response returns the response r stands for, following its $ref.
func (d *specDoc) response(r *specResponse) *specResponse {
	if r == nil || r.Ref == "" {
		return r
	}
	name, ok := strings.CutPrefix(r.Ref, responseRefs)
	if !ok {
		return nil
	}
	return d.Components.Responses[name]
}

// requestBody returns the request body b stands for, following its $ref.
func (d *specDoc) requestBody(b *specRequestBody) *specRequestBody {
	if b == nil || b.Ref == "" {
		return b
	}
	name, ok := strings.CutPrefix(b.Ref, bodyRefs)
	if !ok {
		return nil
	}
	return d.Components.RequestBodies[name]
}
