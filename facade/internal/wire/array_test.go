package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
)

var arraySeeds = []string{
	`[]`, ` [ ] `, `[1]`, `[1,2,3]`, "\n[ 1 ,\t\"a\" , null,true,false ,-1.5e3 ]\r\n",
	`[{"a":[1,2,{"b":"]"}]},[],{},"x"]`,
	`["a,b", "c]d", "e\"f", "g\\", "\\\"]", "\u005d", "日本"]`,
	`[[[[]]],[[1],[2]]]`,
	`[{"description":"a, [b] and {c}","ref":"core.local"},{"ref":"core.remote"}]`,
}

// TestSplitArrayMatchesUnmarshal holds splitArray to encoding/json's own
// reading of the same arrays into []json.RawMessage.
func TestSplitArrayMatchesUnmarshal(t *testing.T) {
	for _, doc := range arraySeeds {
		checkSplit(t, []byte(doc))
	}
	for _, notArray := range []string{`{"a":[1]}`, `"[1]"`, `1`, `true`, ` {"x":"]"} `} {
		if items, ok := splitArray(json.RawMessage(notArray)); ok {
			t.Errorf("%s: split into %q, want not an array", notArray, items)
		}
	}
}

func checkSplit(t *testing.T, raw []byte) {
	t.Helper()
	var want []json.RawMessage
	if err := json.Unmarshal(raw, &want); err != nil {
		return // not an array of values: DecodeArray's decoder refuses it first
	}
	got, ok := splitArray(raw)
	if !ok || len(got) != len(want) {
		t.Fatalf("%q: %d elements (%v), want %d", raw, len(got), ok, len(want))
	}
	for i := range want {
		if !bytes.Equal(got[i], want[i]) {
			t.Fatalf("%q: element %d is %q, want %q", raw, i, got[i], want[i])
		}
	}
}

func FuzzSplitArray(f *testing.F) {
	for _, s := range arraySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) { checkSplit(t, raw) })
}

func TestDecodeArray(t *testing.T) {
	resp, b := response(200, "application/json", `[{"id":1,"name":"a"}, {"id":2}]`)
	items, err := DecodeArray(call(), resp, nil)
	if err != nil || len(items) != 2 || string(items[0]) != `{"id":1,"name":"a"}` || string(items[1]) != `{"id":2}` {
		t.Fatalf("got %q, %v", items, err)
	}
	if !b.closed {
		t.Error("body not closed")
	}
	// The elements share a buffer, each capped: growing one leaves the
	// next alone.
	_ = append(items[0], "garbage"...)
	if string(items[1]) != `{"id":2}` {
		t.Errorf("an append to one element changed the next: %q", items[1])
	}

	resp, _ = response(200, "application/json", `[]`)
	if items, err := DecodeArray(call(), resp, nil); err != nil || items == nil || len(items) != 0 {
		t.Errorf("empty array: %#v, %v", items, err)
	}

	for body, want := range map[string]string{
		`{"id":1}`:   "not an array",
		`null`:       "null body",
		`[1,`:        "unexpected EOF",
		`[1] [2]`:    "unexpected data",
		"<html>oops": "invalid character '<'",
	} {
		resp, _ := response(200, "application/json", body)
		items, err := DecodeArray(call(), resp, nil)
		var de *facade.DecodeError
		if items != nil || !errors.As(err, &de) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %q, %v; want a *facade.DecodeError mentioning %q", body, items, err, want)
		}
	}
	resp, _ = response(200, "application/json", `{"id":1}`)
	_, err = DecodeArray(call(), resp, nil)
	if de := (*facade.DecodeError)(nil); !errors.As(err, &de) || de.Body != `{"id":1}` || de.StatusCode != 200 {
		t.Errorf("not an array: the error shows %+v", err)
	}
}

// TestDecodeArrayBodySize holds DecodeArray's single read of the body to
// MaxBody, and to what the server really sends whatever its
// Content-Length says.
func TestDecodeArrayBodySize(t *testing.T) {
	doc := `[` + strings.Repeat(`{"ref":"core.local"},`, 100) + `{"ref":"core.remote"}]`
	newResp := func(contentLength int64) *http.Response {
		return &http.Response{StatusCode: 200, Header: http.Header{}, ContentLength: contentLength,
			Body: io.NopCloser(strings.NewReader(doc)), Request: httptest.NewRequest("GET", "http://h/actions", nil)}
	}

	_, err := DecodeArray(Call{Platform: "test", MaxBody: int64(len(doc)) - 1}, newResp(int64(len(doc))), nil)
	var de *facade.DecodeError
	if !errors.As(err, &de) || !errors.Is(err, facade.ErrResponseTooLarge) {
		t.Fatalf("a body over MaxBody: %v, want a *facade.DecodeError wrapping ErrResponseTooLarge", err)
	}
	if !strings.HasPrefix(doc, de.Body) || len(de.Body) == 0 || len(de.Body) > maxExcerpt {
		t.Errorf("the error quotes %d bytes %q, want the start of the body", len(de.Body), de.Body)
	}

	for _, cl := range []int64{-1, 0, 10, int64(len(doc)), 1 << 40} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		items, err := DecodeArray(Call{Platform: "test"}, newResp(cl), nil) // the default MaxBody, 256 MiB
		runtime.ReadMemStats(&after)
		if err != nil || len(items) != 101 || string(items[100]) != `{"ref":"core.remote"}` {
			t.Fatalf("Content-Length %d: %d items, %v", cl, len(items), err)
		}
		// A Content-Length of a terabyte must not be believed.
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 4*maxPresize {
			t.Errorf("Content-Length %d: allocated %d bytes for a %d-byte body", cl, grew, len(doc))
		}
	}
}
