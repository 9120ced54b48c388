package saagie

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/Khan/genqlient/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/transport"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/saagieapi"
)

// gqlEndpoint is one of the two GraphQL endpoints, as the graphql.Client
// the generated operations call. It posts through the generated REST
// client, so the token, retries, logging and redaction are the same as for
// every other call, and turns the answer into typed data plus a
// *GraphQLError when the server reported errors.
type gqlEndpoint struct {
	c       *Client
	gateway bool
	// url is the endpoint's address, taken once from the generated
	// request builder: building each request from it spares every
	// operation the builder's URL parsing and path formatting (a
	// twentieth of a small query's allocations).
	url string
}

// newGQLEndpoint returns the projects (gateway false) or the catalog
// endpoint of c, whose api is built.
func newGQLEndpoint(c *Client, gateway bool) (*gqlEndpoint, error) {
	var (
		r   *http.Request
		err error
	)
	if gateway {
		r, err = saagieapi.NewGatewayGraphQLRequestWithBody(c.api.Server, jsonContentType, nil)
	} else {
		r, err = saagieapi.NewProjectsGraphQLRequestWithBody(c.api.Server, c.platformID, jsonContentType, nil)
	}
	if err != nil {
		return nil, err
	}
	return &gqlEndpoint{c: c, gateway: gateway, url: r.URL.String()}, nil
}

const jsonContentType = "application/json"

// jsonValues is the header value of Content-Type and Accept of a JSON
// request, shared by every request (see post).
var jsonValues = transport.SharedValue(jsonContentType)

// File is an upload sent with a GraphQL multipart request: a job artifact
// or a catalog archive.
type File struct {
	// Name is the file name the server stores; only its base name is sent.
	Name string
	// Content is read once, when the request is built.
	Content io.Reader
}

type uploadKey struct{}

// upload is a file to send under the variable named varName.
type upload struct {
	varName string
	file    File
}

// withUpload makes the next GraphQL request under ctx a multipart request
// carrying f as variable varName (which the document declares as Upload).
func withUpload(ctx context.Context, varName string, f *File) context.Context {
	if f == nil || f.Content == nil {
		return ctx
	}
	return context.WithValue(ctx, uploadKey{}, &upload{varName: varName, file: *f})
}

// graphQLBody is the answer's envelope. Data holds a **R (R the
// operation's response type) whose *R is nil: encoding/json follows the
// outer pointer and allocates an R only when "data" is present and not
// null, so the envelope and the payload decode in one pass, and a nil *R
// afterwards means no data.
type graphQLBody struct {
	Data       any              `json:"data"`
	Errors     []GraphQLProblem `json:"errors"`
	Extensions map[string]any   `json:"extensions"`
}

// dataSlot returns a **R for target, a *R (genqlient passes a pointer to
// its response); ok is false for anything else.
func dataSlot(target any) (slot reflect.Value, ok bool) {
	t := reflect.TypeOf(target)
	if t == nil || t.Kind() != reflect.Pointer || reflect.ValueOf(target).IsNil() {
		return reflect.Value{}, false
	}
	return reflect.New(t), true
}

// MakeRequest sends one operation and decodes its answer into resp.Data.
func (g *gqlEndpoint) MakeRequest(ctx context.Context, req *graphql.Request, resp *graphql.Response) error {
	op := req.OpName
	slot, ok := dataSlot(resp.Data)
	if !ok { // genqlient always passes a pointer: not expected
		return &facade.DecodeError{Platform: platform, Operation: op, Err: fmt.Errorf("data: cannot decode into %T", resp.Data)}
	}
	// A query changes nothing: the transport may retry it like a GET, and
	// its failures never leave the outcome unknown. Mutations go once.
	info := g.c.ops.operation(req)
	readOnly := info.query
	if readOnly {
		ctx = transport.Idempotent(ctx)
	}
	body, contentType, err := g.encode(ctx, info, req)
	if err != nil {
		return &facade.DecodeError{Platform: platform, Operation: op, Err: fmt.Errorf("encoding the request: %w", err)}
	}
	hr, err := g.post(ctx, contentType, body)
	call := g.c.call(op)
	call.Message = graphQLMessage
	call.Idempotent = readOnly
	out := graphQLBody{Data: slot.Interface()}
	if err := wire.DecodeInto(call, hr, err, &out); err != nil {
		// encoding/json reads on past a value of the wrong type, so the
		// errors are there even when data is not what the operation
		// asked for: a server that failed may send data it filled only
		// in part. Its reasons say more than the decoder's.
		var typeErr *json.UnmarshalTypeError
		if len(out.Errors) > 0 && errors.As(err, &typeErr) {
			return g.graphQLError(op, out.Errors)
		}
		return err
	}
	if got := slot.Elem(); !got.IsNil() {
		reflect.ValueOf(resp.Data).Elem().Set(got.Elem())
	} else if len(out.Errors) == 0 {
		return call.ConversionError(hr, errors.New("neither data nor errors in the answer"))
	}
	resp.Extensions = out.Extensions
	if len(out.Errors) > 0 {
		return g.graphQLError(op, out.Errors)
	}
	return nil
}

// graphQLError is the *GraphQLError of the server's errors, scrubbed:
// Error prints the paths and the extensions' reasons as well as the
// messages.
func (g *gqlEndpoint) graphQLError(op string, problems []GraphQLProblem) *GraphQLError {
	for i := range problems {
		p := &problems[i]
		p.Message = g.c.scrub.String(p.Message)
		for j, el := range p.Path {
			if s, ok := el.(string); ok {
				p.Path[j] = g.c.scrub.String(s)
			}
		}
		if p.Extensions != nil {
			ext := make(map[string]any, len(p.Extensions))
			for k, v := range p.Extensions {
				if s, ok := v.(string); ok {
					v = g.c.scrub.String(s)
				}
				ext[g.c.scrub.String(k)] = v
			}
			p.Extensions = ext
		}
	}
	return &GraphQLError{Operation: op, Errors: problems}
}

// opCache holds, per document and operation name, what every call of that
// operation shares: whether it is a query, and the JSON of the request
// body's fixed parts. The generated operations are a fixed set, so each
// document is parsed and encoded once per client, where encoding/json
// would escape the whole document (hundreds of bytes of tabs and
// newlines) on every call. It is bounded by maxCachedOps, should other
// documents ever be sent. The zero value is ready to use.
type opCache struct {
	ops sync.Map // opKey -> *opInfo
	len atomic.Int32
}

const maxCachedOps = 1024

type opKey struct{ doc, name string }

// opInfo is one operation's cached facts.
type opInfo struct {
	// query reports a query (a read), as opposed to a mutation or a
	// subscription.
	query bool
	// head is `{"query":<document>` and tail `,"operationName":<name>}`,
	// JSON-encoded as encoding/json encodes a graphql.Request: the body
	// is head, the variables member when there are variables, then tail.
	head, tail []byte
}

// operation returns the facts of req's operation, from the cache when
// they are there.
func (c *opCache) operation(req *graphql.Request) *opInfo {
	key := opKey{req.Query, req.OpName}
	if v, ok := c.ops.Load(key); ok {
		return v.(*opInfo)
	}
	info := &opInfo{query: parseIsQuery(req)}
	// Marshalling a string cannot fail.
	doc, _ := json.Marshal(req.Query)
	name, _ := json.Marshal(req.OpName)
	info.head = append([]byte(`{"query":`), doc...)
	info.tail = append(append([]byte(`,"operationName":`), name...), '}')
	if c.len.Load() < maxCachedOps { // a few over under a race: harmless
		c.len.Add(1)
		c.ops.Store(key, info)
	}
	return info
}

// parseIsQuery reports whether req's operation is a query (a read), as
// opposed to a mutation or subscription. A document that does not parse,
// or whose operation cannot be found, counts as a write: retrying it is
// the mistake that cannot be undone.
func parseIsQuery(req *graphql.Request) bool {
	doc, err := parser.ParseQuery(&ast.Source{Input: req.Query})
	if err != nil {
		return false
	}
	for _, op := range doc.Operations {
		if op.Name == req.OpName || (req.OpName == "" && len(doc.Operations) == 1) {
			return op.Operation == ast.Query
		}
	}
	return false
}

// bodyEncoder is a reusable buffer with its JSON encoder: encoding the
// variables straight after the cached head spares a copy of them.
type bodyEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var bodyEncoders = sync.Pool{New: func() any {
	e := new(bodyEncoder)
	e.enc = json.NewEncoder(&e.buf)
	return e
}}

// maxPooledBody keeps an upload-sized or huge-variables buffer out of the
// pool.
const maxPooledBody = 64 << 10

// body returns the JSON body of req, an operation of info: the bytes
// json.Marshal(req) gives, in one allocation.
func (info *opInfo) body(req *graphql.Request) ([]byte, error) {
	if req.Variables == nil { // omitempty
		out := make([]byte, 0, len(info.head)+len(info.tail))
		return append(append(out, info.head...), info.tail...), nil
	}
	e := bodyEncoders.Get().(*bodyEncoder)
	defer func() {
		if e.buf.Cap() <= maxPooledBody {
			bodyEncoders.Put(e)
		}
	}()
	e.buf.Reset()
	e.buf.Write(info.head)
	e.buf.WriteString(`,"variables":`)
	if err := e.enc.Encode(req.Variables); err != nil {
		return nil, err
	}
	e.buf.Truncate(e.buf.Len() - 1) // Encode ends the value with a newline
	e.buf.Write(info.tail)
	return bytes.Clone(e.buf.Bytes()), nil
}

// post sends one GraphQL request body: what the generated
// ProjectsGraphQLWithBody and GatewayGraphQLWithBody do, from the address
// resolved once.
func (g *gqlEndpoint) post(ctx context.Context, contentType string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	// The body stays a *bytes.Reader: net/http sends the headers and such
	// a body in one write, where any other reader costs a flush (a packet)
	// of its own. Every JSON request shares one header value
	// (transport.SharedValue).
	if contentType == jsonContentType {
		req.Header["Content-Type"] = jsonValues
	} else {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header["Accept"] = jsonValues
	return g.c.http.Do(req)
}

// encode builds the JSON body, or the multipart body when ctx carries an
// upload (the GraphQL multipart request convention: operations, map, 0).
func (g *gqlEndpoint) encode(ctx context.Context, info *opInfo, req *graphql.Request) ([]byte, string, error) {
	ops, err := info.body(req)
	if err != nil {
		return nil, "", err
	}
	up, _ := ctx.Value(uploadKey{}).(*upload)
	if up == nil {
		return ops, jsonContentType, nil
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("operations", string(ops)); err != nil {
		return nil, "", err
	}
	m, _ := json.Marshal(map[string][]string{"0": {"variables." + up.varName}})
	if err := mw.WriteField("map", string(m)); err != nil {
		return nil, "", err
	}
	h := make(textproto.MIMEHeader)
	name := filepath.Base(strings.ReplaceAll(up.file.Name, `\`, "/"))
	if name == "." || name == "/" || name == "" {
		name = "file"
	}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="0"; filename=%q`, name))
	h.Set("Content-Type", "application/octet-stream")
	pw, err := mw.CreatePart(h)
	if err != nil {
		return nil, "", err
	}
	if _, err := io.Copy(pw, up.file.Content); err != nil {
		return nil, "", fmt.Errorf("reading %s: %w", name, err)
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), mw.FormDataContentType(), nil
}

// graphQLMessage reads the first GraphQL error message of a non-2xx answer
// whose body is a GraphQL result, else the REST error shape.
func graphQLMessage(body []byte) string {
	var b graphQLBody
	if jsonUnmarshal(body, &b) == nil && len(b.Errors) > 0 {
		return b.Errors[0].Message
	}
	return restMessage(body)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// GraphQLProblem is one entry of a GraphQL answer's errors array.
type GraphQLProblem struct {
	Message string `json:"message"`
	// Path is the field path of the failure: names and list indexes.
	Path []any `json:"path,omitempty"`
	// Locations are line/column pairs in the document.
	Locations []struct {
		Line   int `json:"line"`
		Column int `json:"column"`
	} `json:"locations,omitempty"`
	// Extensions carry graphql-java's classification (ValidationError,
	// DataFetchingException, …) and Saagie's field-to-reason pairs
	// ({"name": "already used"}, {"job": "NOT_EXISTS"}).
	Extensions map[string]any `json:"extensions,omitempty"`
}

// GraphQLError reports the errors array of a GraphQL answer. The call that
// returns it also returns whatever partial data came with it, so a caller
// can use what succeeded:
//
//	job, err := c.Jobs.Get(ctx, id, nil)
//	var gqlErr *saagie.GraphQLError
//	if errors.As(err, &gqlErr) { … job may still be set … }
//
// It matches facade.ErrNotFound (Saagie's "NOT_EXISTS", NOT_FOUND),
// facade.ErrUnauthorized, facade.ErrForbidden, facade.ErrConflict ("already
// used") and facade.ErrValidation (ValidationError, BAD_REQUEST) from the
// extensions of any of its entries.
type GraphQLError struct {
	// Operation is the GraphQL operation, e.g. "GetJob".
	Operation string
	// Errors are the server's entries, messages scrubbed of secrets.
	Errors []GraphQLProblem
}

// Error joins the first messages with their paths, each part cut short:
// the server writes them, and must not be able to make the message as
// long as its answer (Errors keeps them whole).
func (e *GraphQLError) Error() string {
	var b strings.Builder
	b.WriteString(platform + ": " + e.Operation + ": GraphQL error")
	for i, p := range e.Errors {
		if i == 3 {
			fmt.Fprintf(&b, " (and %d more)", len(e.Errors)-3)
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(redact.Excerpt(p.Message, 512))
		if len(p.Path) > 0 {
			parts := make([]string, len(p.Path))
			for j, el := range p.Path {
				parts[j] = fmt.Sprint(el)
			}
			b.WriteString(" (at " + redact.Excerpt(strings.Join(parts, "."), 128) + ")")
		}
		if r := reasons(p.Extensions); r != "" {
			b.WriteString(" [" + redact.Excerpt(r, 256) + "]")
		}
	}
	return b.String()
}

// reasons lists Saagie's field-to-reason pairs, sorted for stable output.
func reasons(ext map[string]any) string {
	var out []string
	for k, v := range ext {
		if k == "classification" {
			continue
		}
		if s, ok := v.(string); ok {
			out = append(out, k+": "+s)
		}
	}
	sortStrings(out)
	return strings.Join(out, ", ")
}

// Is maps the entries' extensions to the facade's sentinels.
func (e *GraphQLError) Is(target error) bool {
	for _, p := range e.Errors {
		for _, v := range p.Extensions {
			s, _ := v.(string)
			u := strings.ToUpper(strings.ReplaceAll(s, " ", "_"))
			switch target {
			case facade.ErrNotFound:
				if u == "NOT_EXISTS" || u == "NOT_FOUND" || u == "NOTFOUND" {
					return true
				}
			case facade.ErrUnauthorized:
				if u == "UNAUTHORIZED" || u == "UNAUTHENTICATED" {
					return true
				}
			case facade.ErrForbidden:
				if u == "FORBIDDEN" || u == "ACCESS_DENIED" {
					return true
				}
			case facade.ErrConflict:
				// "already used" (names), NAME_ALREADY_USED (variables).
				if strings.HasSuffix(u, "ALREADY_USED") || u == "ALREADY_EXISTS" {
					return true
				}
			case facade.ErrValidation:
				if u == "VALIDATIONERROR" || u == "BAD_REQUEST" || u == "INVALIDSYNTAX" {
					return true
				}
			}
		}
	}
	return false
}

// NotFoundError reports a lookup the server answered with null: an id or
// name that does not exist or that the user may not see. It matches
// facade.ErrNotFound.
type NotFoundError struct {
	// Kind is the object kind, e.g. "project", "job".
	Kind string
	// Key is the id or name looked up.
	Key string
}

// Error says what was not found.
func (e *NotFoundError) Error() string {
	return fmt.Sprintf("%s: %s %q not found", platform, e.Kind, e.Key)
}

// Is matches facade.ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == facade.ErrNotFound }
