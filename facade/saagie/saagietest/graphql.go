package saagietest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	saagiespec "github.com/switchboard-go/switchboard/specs/saagie"
)

// schemas are the two parsed SDLs, loaded once per process: they are
// read-only after loading.
type schemas struct {
	projects, gateway *ast.Schema
}

var (
	schemasOnce sync.Once
	schemasVal  *schemas
	schemasErr  error
)

// loadSchemas parses specs/saagie/schema.graphql and gateway.graphql, the
// files the facade's generated code comes from, so the emulator accepts
// exactly the documents the SDL describes.
func loadSchemas() (*schemas, error) {
	schemasOnce.Do(func() {
		p, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: saagiespec.ProjectsSchema})
		if err != nil {
			schemasErr = fmt.Errorf("saagietest: loading the Projects SDL: %w", err)
			return
		}
		g, err := gqlparser.LoadSchema(&ast.Source{Name: "gateway.graphql", Input: saagiespec.GatewaySchema})
		if err != nil {
			schemasErr = fmt.Errorf("saagietest: loading the gateway SDL: %w", err)
			return
		}
		schemasVal = &schemas{projects: p, gateway: g}
	})
	return schemasVal, schemasErr
}

// gqlRequest is one GraphQL request, after the JSON or multipart envelope.
type gqlRequest struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

// Upload is a file received through a GraphQL multipart request.
type Upload struct {
	Filename    string
	ContentType string
	Data        []byte
}

// maxUpload bounds a multipart request (artifacts are small in tests).
const maxUpload = 64 << 20

// serveGraphQL answers one of the two GraphQL endpoints.
func (s *Server) serveGraphQL(w http.ResponseWriter, r *http.Request, gateway bool, c *claims) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeHTTPError(w, r, http.StatusMethodNotAllowed, "Request method '"+r.Method+"' not supported")
		return
	}
	req, status, err := readGraphQLRequest(r)
	if err != nil {
		writeHTTPError(w, r, status, err.Error())
		return
	}
	sch := s.schemas.projects
	if gateway {
		sch = s.schemas.gateway
	}
	resp := s.execute(sch, req, gateway, c)
	writeJSON(w, http.StatusOK, resp)
}

// readGraphQLRequest decodes the JSON body, or the multipart request
// (operations, map, file parts) with each file put where map says.
func readGraphQLRequest(r *http.Request) (*gqlRequest, int, error) {
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json", "application/graphql+json", "":
		body, err := io.ReadAll(io.LimitReader(r.Body, maxUpload))
		if err != nil {
			return nil, http.StatusBadRequest, fmt.Errorf("unreadable body")
		}
		req, err := decodeGraphQLJSON(body)
		if err != nil {
			return nil, http.StatusBadRequest, err
		}
		return req, 0, nil
	case "multipart/form-data":
		if params["boundary"] == "" {
			return nil, http.StatusBadRequest, fmt.Errorf("multipart request without boundary")
		}
		return readMultipart(r)
	default:
		return nil, http.StatusUnsupportedMediaType, fmt.Errorf("content type '%s' not supported", ct)
	}
}

func decodeGraphQLJSON(body []byte) (*gqlRequest, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // Int variables keep their exact value
	var req gqlRequest
	if err := dec.Decode(&req); err != nil {
		return nil, fmt.Errorf("the body is not a GraphQL request: %v", err)
	}
	if strings.TrimSpace(req.Query) == "" {
		return nil, fmt.Errorf("the GraphQL request has no query")
	}
	return &req, nil
}

// readMultipart follows the GraphQL multipart request specification: an
// "operations" part (the JSON request, file variables null), a "map" part
// ({"0": ["variables.file"]}) and one part per file, named by its key.
func readMultipart(r *http.Request) (*gqlRequest, int, error) {
	if err := r.ParseMultipartForm(maxUpload); err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("invalid multipart request: %v", err)
	}
	ops := r.MultipartForm.Value["operations"]
	if len(ops) != 1 {
		return nil, http.StatusBadRequest, fmt.Errorf("multipart request without an operations part")
	}
	req, err := decodeGraphQLJSON([]byte(ops[0]))
	if err != nil {
		return nil, http.StatusBadRequest, err
	}
	maps := r.MultipartForm.Value["map"]
	if len(maps) != 1 {
		return nil, http.StatusBadRequest, fmt.Errorf("multipart request without a map part")
	}
	var m map[string][]string
	if err := json.Unmarshal([]byte(maps[0]), &m); err != nil {
		return nil, http.StatusBadRequest, fmt.Errorf("the map part is not a JSON object of arrays: %v", err)
	}
	if req.Variables == nil {
		req.Variables = map[string]any{}
	}
	for key, paths := range m {
		fhs := r.MultipartForm.File[key]
		if len(fhs) != 1 {
			return nil, http.StatusBadRequest, fmt.Errorf("the map names file part %q, which the request lacks", key)
		}
		f, err := fhs[0].Open()
		if err != nil {
			return nil, http.StatusBadRequest, err
		}
		data, err := io.ReadAll(f)
		_ = f.Close()
		if err != nil {
			return nil, http.StatusBadRequest, err
		}
		up := &Upload{Filename: fhs[0].Filename, ContentType: fhs[0].Header.Get("Content-Type"), Data: data}
		for _, p := range paths {
			if err := setPath(req.Variables, p, up); err != nil {
				return nil, http.StatusBadRequest, err
			}
		}
	}
	return req, 0, nil
}

// setPath puts v at a map path such as "variables.file" or
// "variables.files.0".
func setPath(vars map[string]any, path string, v any) error {
	parts := strings.Split(path, ".")
	if len(parts) < 2 || parts[0] != "variables" {
		return fmt.Errorf("map path %q does not start with \"variables.\"", path)
	}
	var cur any = vars
	for i, p := range parts[1:] {
		last := i == len(parts)-2
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[p] = v
				return nil
			}
			cur = c[p]
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(c) {
				return fmt.Errorf("map path %q: no index %s", path, p)
			}
			if last {
				c[n] = v
				return nil
			}
			cur = c[n]
		default:
			return fmt.Errorf("map path %q does not lead to a variable", path)
		}
	}
	return nil
}

// gqlResponse is the GraphQL answer. data is left out when the request
// failed before execution (graphql-java's toSpecification).
type gqlResponse struct {
	Errors  gqlerror.List
	Data    any
	HasData bool
}

// MarshalJSON writes {"errors":[...],"data":...}, each only when present.
func (r *gqlResponse) MarshalJSON() ([]byte, error) {
	m := newOrderedMap()
	if len(r.Errors) > 0 {
		m.put("errors", r.Errors)
	}
	if r.HasData {
		m.put("data", r.Data)
	}
	return m.MarshalJSON()
}

// execute parses, validates and runs one request.
func (s *Server) execute(sch *ast.Schema, req *gqlRequest, gateway bool, c *claims) *gqlResponse {
	doc := s.docs.get(sch, req.Query)
	if doc == nil {
		var perr error
		doc, perr = parser.ParseQuery(&ast.Source{Name: "query", Input: req.Query})
		if perr != nil {
			return &gqlResponse{Errors: classify(gqlerror.List{asGQLError(perr)}, "InvalidSyntax")}
		}
		if errs := validator.Validate(sch, doc); len(errs) > 0 {
			return &gqlResponse{Errors: classify(errs, "ValidationError")}
		}
		if errs := checkScalarLiterals(doc); len(errs) > 0 {
			return &gqlResponse{Errors: classify(errs, "ValidationError")}
		}
		s.docs.put(sch, req.Query, doc)
	}
	op, err := pickOperation(doc, req.OperationName)
	if err != nil {
		return &gqlResponse{Errors: classify(gqlerror.List{err}, "ValidationError")}
	}
	vars, verr := coerceVariables(sch, op, req.Variables)
	if verr != nil {
		return &gqlResponse{Errors: classify(gqlerror.List{verr}, "ValidationError")}
	}
	if op.Operation == ast.Subscription {
		return &gqlResponse{Errors: classify(gqlerror.List{gqlerror.Errorf("subscriptions are not supported")}, "OperationNotSupported")}
	}
	ex := &executor{schema: sch, doc: doc, vars: vars}
	if !s.cfg.noIntro {
		ex.introspect = func(f *ast.Field) (any, error) { return introspect(sch, f, vars) }
	}
	s.mu.Lock()
	rc := &reqCtx{s: s, now: s.now(), user: c.Subject, vars: vars}
	var root *object
	switch {
	case gateway && op.Operation == ast.Mutation:
		root = s.gatewayMutation(rc)
	case gateway:
		root = s.queryRoot(rc, true)
	case op.Operation == ast.Mutation:
		root = s.projectsMutation(rc)
	default:
		root = s.queryRoot(rc, false)
	}
	data := ex.run(op, root)
	s.releaseQueryRoot()
	s.mu.Unlock()
	return &gqlResponse{Errors: ex.errs, Data: data, HasData: true}
}

// coerceVariables is the validator's coercion, with a panic (the library
// panics on a few malformed inputs) turned into an error.
func coerceVariables(sch *ast.Schema, op *ast.OperationDefinition, in map[string]any) (vars map[string]any, err *gqlerror.Error) {
	defer func() {
		if p := recover(); p != nil {
			vars, err = nil, gqlerror.Errorf("invalid variables: %v", p)
		}
	}()
	if in == nil {
		in = map[string]any{}
	}
	v, e := validator.VariableValues(sch, op, in)
	if e != nil {
		ge := asGQLError(e)
		if len(ge.Path) >= 2 {
			ge.Message = fmt.Sprintf("Variable '%s' %s", pathString(ge.Path[1:]), ge.Message)
		}
		return nil, ge
	}
	for _, def := range op.VariableDefinitions {
		if bad := badUUIDs(def.Type, v[def.Variable]); bad != "" {
			return nil, gqlerror.ErrorPathf(ast.Path{ast.PathName("variable"), ast.PathName(def.Variable)},
				"Variable '%s' has an invalid value: %q is not a UUID", def.Variable, bad)
		}
	}
	return v, nil
}

// badUUIDs returns the first value of a UUID (or [UUID]) variable that is
// not an RFC 4122 id: graphql-java's UUID scalar refuses them at coercion.
func badUUIDs(t *ast.Type, v any) string {
	if v == nil {
		return ""
	}
	if t.Elem != nil {
		for _, x := range toList(v) {
			if bad := badUUIDs(t.Elem, x); bad != "" {
				return bad
			}
		}
		return ""
	}
	if t.NamedType != "UUID" {
		return ""
	}
	s, ok := v.(string)
	if !ok || !validUUID(s) {
		return fmt.Sprint(v)
	}
	return ""
}

// checkScalarLiterals refuses literals of the UUID scalar that are not
// UUID strings (the validator lets custom scalars take any literal).
func checkScalarLiterals(doc *ast.QueryDocument) gqlerror.List {
	var errs gqlerror.List
	var checkValue func(v *ast.Value)
	checkValue = func(v *ast.Value) {
		if v == nil || v.Kind == ast.Variable || v.Kind == ast.NullValue {
			return
		}
		if v.ExpectedType != nil && v.ExpectedType.Elem == nil && v.ExpectedType.NamedType == "UUID" {
			if v.Kind != ast.StringValue || !validUUID(v.Raw) {
				e := gqlerror.ErrorPosf(v.Position, "Validation error (WrongType) : argument value %s is not a valid 'UUID'", v.String())
				errs = append(errs, e)
			}
			return
		}
		for _, c := range v.Children {
			checkValue(c.Value)
		}
	}
	var walk func(ss ast.SelectionSet)
	walk = func(ss ast.SelectionSet) {
		for _, sel := range ss {
			switch sel := sel.(type) {
			case *ast.Field:
				for _, a := range sel.Arguments {
					checkValue(a.Value)
				}
				walk(sel.SelectionSet)
			case *ast.InlineFragment:
				walk(sel.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		walk(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		walk(f.SelectionSet)
	}
	return errs
}

func asGQLError(err error) *gqlerror.Error {
	if ge, ok := err.(*gqlerror.Error); ok {
		return ge
	}
	return gqlerror.Wrap(err)
}

// pickOperation finds the operation to run: the named one, or the only one.
func pickOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, *gqlerror.Error) {
	if name != "" {
		op := doc.Operations.ForName(name)
		if op == nil {
			return nil, gqlerror.Errorf("Unknown operation named '%s'.", name)
		}
		return op, nil
	}
	if len(doc.Operations) != 1 {
		return nil, gqlerror.Errorf("Must provide operation name if query contains multiple operations.")
	}
	return doc.Operations[0], nil
}

// classify adds graphql-java's classification to errors that lack one.
func classify(errs gqlerror.List, class string) gqlerror.List {
	for _, e := range errs {
		if e.Extensions == nil {
			e.Extensions = map[string]any{}
		}
		if _, ok := e.Extensions["classification"]; !ok {
			e.Extensions["classification"] = class
		}
	}
	return errs
}
