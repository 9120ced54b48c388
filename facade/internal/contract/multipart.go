package contract

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// MultipartStrings returns a decoder of multipart/form-data bodies that
// keeps every part as a string, requiring the parts named in jsonParts to
// hold JSON. kin-openapi's own multipart decoder cannot read file parts
// described by additionalProperties ("part 0: undefined"), which is how a
// GraphQL upload (parts "operations", "map", then the files) is written:
// use WithBodyDecoder("multipart/form-data", MultipartStrings("operations",
// "map")).
func MultipartStrings(jsonParts ...string) openapi3filter.BodyDecoder {
	return func(body io.Reader, h http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		_, params, err := mime.ParseMediaType(h.Get("Content-Type"))
		if err != nil {
			return nil, err
		}
		mr := multipart.NewReader(body, params["boundary"])
		out := map[string]any{}
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return out, nil
			}
			if err != nil {
				return nil, err
			}
			b, err := io.ReadAll(p)
			if err != nil {
				return nil, err
			}
			name := p.FormName()
			for _, j := range jsonParts {
				if name == j && !json.Valid(b) {
					return nil, fmt.Errorf("part %s is not JSON", name)
				}
			}
			out[name] = string(b)
		}
	}
}
