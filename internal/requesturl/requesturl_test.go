package requesturl

import (
	"errors"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	for _, c := range []struct {
		server, path string
		params       []string
		query        []string
		want         string
	}{
		{"https://h/api/v1/", "/components/%s", []string{"7"}, nil, "https://h/api/v1/components/7"},
		// A server without its trailing slash keeps its last segment.
		{"https://h/api/v1", "/components/%s", []string{"7"}, nil, "https://h/api/v1/components/7"},
		{"https://h/", "/a/%s/b/%s", []string{"x%2Fy", ".."}, nil, "https://h/a/x%2Fy/b/.."},
		{"http://h:8080/", "/list", nil, []string{"page=2", "tags=a,b&sort=id"}, "http://h:8080/list?page=2&tags=a,b&sort=id"},
		// Fewer parameters than placeholders leave the rest as written.
		{"https://h/", "/a/%s/%s", []string{"1"}, nil, "https://h/a/1/%s"},
	} {
		var u strings.Builder
		if err := Write(&u, c.server, c.path, 16, c.params...); err != nil {
			t.Fatalf("%s %s: %v", c.server, c.path, err)
		}
		q := u.Len()
		for _, f := range c.query {
			AppendQuery(&u, q, f)
		}
		if u.String() != c.want {
			t.Errorf("%s + %s %q %q = %q, want %q", c.server, c.path, c.params, c.query, u.String(), c.want)
		}
	}
}

func TestWriteRefusesAServerWithQueryOrFragment(t *testing.T) {
	for _, server := range []string{"https://h/api?x=1", "https://h/api#top"} {
		var u strings.Builder
		if err := Write(&u, server, "/a", 0); !errors.Is(err, ErrServer) {
			t.Errorf("%s: %v, want ErrServer", server, err)
		}
	}
}
