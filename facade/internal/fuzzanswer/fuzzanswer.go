// Package fuzzanswer is the harness the platforms' FuzzResponse targets
// share: a real client is pointed at a transport that gives every request
// one server answer built from the fuzzer's input (status, Content-Type,
// extra headers, body), and whatever that answer, a call must return a
// value or one of the platform's documented error types, the error must be
// bounded, and it must hold none of the client's secrets.
//
// Only tests import it. The fuzz functions keep their own signatures (the
// committed seed corpora encode them); this package only replaces what
// their bodies had in common.
package fuzzanswer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/textproto"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/internal/leakcheck"
)

// MaxError bounds an error string and each text field of an error: an
// APIError's message and a DecodeError's excerpt are capped at 1 KiB, the
// rest is the request line.
const MaxError = 4 << 10

// Big in a fuzzed body stands for 8 KiB of text ([BigText]), so that the
// fuzzer can try huge fields without huge inputs, and an error quoting a
// field whole shows up as an unbounded message.
const Big = "%BIG%"

// BigText is what [Big] expands to.
var BigText = strings.Repeat("x", 8<<10)

// Answer is one server answer.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// New builds the answer the fuzzer chose. headers holds "Key: value"
// lines; body expands [Big] (at most four times: enough to make every
// field of a body huge).
func New(status int, contentType, headers, body string) Answer {
	// Keep to final statuses: 1xx are never handed to a client, and a
	// status outside 200..599 is not an HTTP answer.
	if status < 200 || status > 599 {
		status = 200 + (max(status, -status)%400+400)%400
	}
	h := http.Header{}
	for line := range strings.SplitSeq(headers, "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) != "" {
			h.Add(textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k)), strings.TrimSpace(v))
		}
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	b := bytes.Replace([]byte(body), []byte(Big), []byte(BigText), 4)
	return Answer{Status: status, Header: h, Body: b}
}

// Transport gives Answer to every request, except those Fixed answers
// otherwise (a login, when the API is fuzzed), up to a budget of requests
// set by Reset; past it the "network" fails, so that an answer that makes
// a list endless still ends (with a *facade.TransportError). The zero
// Transport fails every request.
type Transport struct {
	Answer Answer
	// Fixed, if set, returns the answer for a request that is not
	// fuzzed, or nil for one that is.
	Fixed func(*http.Request) *Answer

	mu   sync.Mutex
	left int
}

// Reset allows budget more requests, for the next operation.
func (rt *Transport) Reset(budget int) {
	rt.mu.Lock()
	rt.left = budget
	rt.mu.Unlock()
}

// RoundTrip answers req without a network.
func (rt *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	a := &rt.Answer
	if rt.Fixed != nil {
		if f := rt.Fixed(req); f != nil {
			a = f
		}
	}
	rt.mu.Lock()
	rt.left--
	out := rt.left < 0
	rt.mu.Unlock()
	if out {
		return nil, errors.New("fuzz: request budget spent")
	}
	return &http.Response{
		StatusCode: a.Status, Status: http.StatusText(a.Status),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        a.Header.Clone(),
		Body:          io.NopCloser(bytes.NewReader(a.Body)),
		ContentLength: int64(len(a.Body)),
		Request:       req,
	}, nil
}

// Hide replaces each of secrets in s, so a failure report never prints
// them.
func Hide(s string, secrets ...string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "<SECRET>")
		}
	}
	return s
}

// Texts are what an error of a documented type shows beyond its message.
type Texts struct {
	// Bounded must be short (at most MaxError bytes) and secret-free.
	Bounded []string
	// Whole is the server's whole text (the message cuts it): it only
	// must be secret-free.
	Whole []string
}

// Allowed matches one documented error type: ok reports whether err is of
// it, texts are the fields of it to check.
type Allowed func(err error) (texts Texts, ok bool)

// As allows errors matching E (errors.As); fields, if not nil, returns
// the texts of the match to check.
func As[E error](fields func(E) Texts) Allowed {
	return func(err error) (Texts, bool) {
		e, ok := errors.AsType[E](err)
		if !ok {
			return Texts{}, false
		}
		if fields == nil {
			return Texts{}, true
		}
		return fields(e), true
	}
}

// Is allows errors matching target (errors.Is).
func Is(target error) Allowed {
	return func(err error) (Texts, bool) { return Texts{}, errors.Is(err, target) }
}

// Facade allows the error types every client documents: *facade.APIError,
// *facade.DecodeError and *facade.TransportError (with the body and URL
// they carry) and *facade.ArgumentError. CheckError tries them first.
var Facade = []Allowed{
	As(func(e *facade.APIError) Texts { return Texts{Bounded: []string{e.Message, e.Body, e.URL}} }),
	As(func(e *facade.DecodeError) Texts { return Texts{Bounded: []string{e.Body, e.URL}} }),
	As(func(e *facade.TransportError) Texts { return Texts{Bounded: []string{e.URL}} }),
	As[*facade.ArgumentError](nil),
}

// CheckError fails t (and stops it) on an error that is none of the
// [Facade] types nor of allowed, on an error string or field longer than
// MaxError, and on one holding any of secrets in any form leakcheck knows.
// A nil err passes. Reports never print a secret.
func CheckError(t testing.TB, op string, err error, secrets []string, allowed ...Allowed) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if len(msg) > MaxError {
		t.Fatalf("%s: error string of %d bytes (max %d): %.300s…", op, len(msg), MaxError, Hide(msg, secrets...))
	}
	var (
		texts Texts
		found bool
	)
	for _, a := range append(Facade[:len(Facade):len(Facade)], allowed...) {
		if texts, found = a(err); found {
			break
		}
	}
	if !found {
		t.Fatalf("%s: error of undocumented type %T: %s", op, err, Hide(msg, secrets...))
	}
	for _, s := range texts.Bounded {
		if len(s) > MaxError {
			t.Fatalf("%s: error field of %d bytes", op, len(s))
		}
	}
	hay := map[string]string{op + " error": fmt.Sprintf("%v | %+v", err, err)}
	for i, s := range texts.Bounded {
		hay[fmt.Sprintf("%s error field %d", op, i+1)] = s
	}
	for i, s := range texts.Whole {
		hay[fmt.Sprintf("%s error text %d", op, i+1)] = s
	}
	NoLeak(t, hay, secrets...)
}

// NoLeak fails t (and stops it) if any of secrets shows up in haystacks,
// through leakcheck.Assert: named by their order, never printed. Empty
// secrets are skipped (a fuzzed client may not have learned them).
func NoLeak(t testing.TB, haystacks map[string]string, secrets ...string) {
	t.Helper()
	var list []leakcheck.Secret
	for i, s := range secrets {
		if s != "" {
			list = append(list, leakcheck.Secret{Name: fmt.Sprintf("secret %d", i+1), Value: s})
		}
	}
	leakcheck.Assert(t, haystacks, list...)
	if t.Failed() {
		t.FailNow()
	}
}

// Drain reads at most limit items of a list, returning its first error.
func Drain[T any](seq iter.Seq2[T, error], limit int) error {
	n := 0
	for _, err := range seq {
		if err != nil {
			return err
		}
		if n++; n >= limit {
			break
		}
	}
	return nil
}

// CheckOne checks a call returning a pointer: a value or an allowed error.
func CheckOne[T any](t testing.TB, op string, v *T, err error, secrets []string, allowed ...Allowed) {
	t.Helper()
	if err == nil && v == nil {
		t.Fatalf("%s: nil result without an error", op)
	}
	CheckError(t, op, err, secrets, allowed...)
}
