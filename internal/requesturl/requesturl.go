// Package requesturl writes the request URLs of the generated clients
// (gen/*api). The client template (specs/client.tmpl) calls it, so that
// the code lives, and is tested, once instead of in every generated
// package: the URL is written into one strings.Builder and parsed once,
// by http.NewRequestWithContext.
package requesturl

import (
	"errors"
	"strings"
)

// ErrServer is a server URL with a query or a fragment, which would
// swallow the operation path appended to it.
var ErrServer = errors.New("server URL must not have a query or fragment")

// Write writes server, a slash if server does not end with one, then path
// (a path template from the spec in which every parameter is "%s"; its
// leading slash is dropped, as the path is relative to the server's) with
// each "%s" replaced by the next of pathParams, already styled and
// escaped. extra is room reserved for a query string, so that the whole
// URL usually takes one allocation. Any other defect of server is left to
// the one parse of the URL.
func Write(u *strings.Builder, server, path string, extra int, pathParams ...string) error {
	if strings.ContainsAny(server, "?#") {
		return ErrServer
	}
	n := len(server) + 1 + len(path) + extra
	for _, p := range pathParams {
		n += len(p)
	}
	u.Grow(n)
	u.WriteString(server)
	if !strings.HasSuffix(server, "/") {
		u.WriteByte('/')
	}
	path = strings.TrimPrefix(path, "/")
	for _, p := range pathParams {
		i := strings.Index(path, "%s")
		if i < 0 {
			break
		}
		u.WriteString(path[:i])
		u.WriteString(p)
		path = path[i+2:]
	}
	u.WriteString(path)
	return nil
}

// AppendQuery appends one styled query fragment (it may itself hold
// several "name=value" pairs) to the URL in u, whose query starts at
// offset query: "?" before the first fragment, "&" between fragments.
func AppendQuery(u *strings.Builder, query int, frag string) {
	if u.Len() == query {
		u.WriteByte('?')
	} else {
		u.WriteByte('&')
	}
	u.WriteString(frag)
}
