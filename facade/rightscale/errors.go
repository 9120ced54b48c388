package rightscale

import (
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/redact"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
)

// Sentinels of the facade's own checks.
var (
	// ErrUnsupported: the collection has no such action in API 1.5 (a
	// Create on Clouds); nothing was sent.
	ErrUnsupported = errors.New("not supported by this RightScale collection")
	// ErrInvalidHref: an href or id that cannot name a resource of the
	// API (an absolute URL to another host, a path outside /api, "..").
	ErrInvalidHref = errors.New("invalid RightScale href")
	// ErrNoCurrentInstance: the server is not running, so there is no
	// instance to run a script on.
	ErrNoCurrentInstance = errors.New("server has no current instance")
	// ErrNoLocation: a create or run_executable answer without a Location
	// header naming an API href, found in a *facade.DecodeError.
	ErrNoLocation = errors.New("the answer has no Location header naming an API href")
	// ErrUnexpectedContentType: a 2xx answer that is not JSON where JSON
	// was due (an HTML login or proxy page served with 200), found in a
	// *facade.DecodeError.
	ErrUnexpectedContentType = errors.New("unexpected content type")
	// ErrResponseTooLarge: a JSON answer larger than the client accepts
	// (256 MiB), found in a *facade.DecodeError.
	ErrResponseTooLarge = errors.New("response body too large")
)

// NotFoundError reports a name or path lookup that found nothing: the
// server's partial-match filter found no resource with exactly that name.
// It matches facade.ErrNotFound.
type NotFoundError struct {
	// Kind is what was looked up ("server", "right script", "cloud").
	Kind string
	// Name is the name looked for.
	Name string
	// Candidates are the names the partial filter returned, if any, to
	// help spot a typo or a case difference.
	Candidates []string
}

// Error names what was not found and the first near misses, each cut
// short: the names come from the server, which must not be able to make
// the message as long as its answer. Candidates keeps them all.
func (e *NotFoundError) Error() string {
	const maxCandidates = 10
	msg := "rightscale: no " + e.Kind + " named " + quote(e.Name)
	if len(e.Candidates) > 0 {
		shown := make([]string, 0, min(len(e.Candidates), maxCandidates))
		for _, c := range e.Candidates[:min(len(e.Candidates), maxCandidates)] {
			shown = append(shown, redact.Excerpt(c, 128))
		}
		msg += " (the server's partial match found: " + strings.Join(quoteAll(shown), ", ")
		if more := len(e.Candidates) - maxCandidates; more > 0 {
			msg += " and " + strconv.Itoa(more) + " more"
		}
		msg += ")"
	}
	return msg
}

// Is matches facade.ErrNotFound.
func (e *NotFoundError) Is(target error) bool { return target == facade.ErrNotFound }

func quote(s string) string { return "\"" + s + "\"" }

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = quote(s)
	}
	return out
}

// resourceNotFound wraps the 422 RightScale answers for an unknown id
// ("ResourceNotFound: Couldn't find Cloud with ID=0") so that it matches
// facade.ErrNotFound as well as facade.ErrValidation, while errors.As still
// finds the *facade.APIError.
type resourceNotFound struct{ err *facade.APIError }

func (e *resourceNotFound) Error() string { return e.err.Error() }
func (e *resourceNotFound) Unwrap() error { return e.err }
func (e *resourceNotFound) Is(target error) bool {
	return target == facade.ErrNotFound
}

// classify adds what the status code alone does not say.
func classify(err error) error {
	if err == nil {
		// Every successful call passes here: skip the errors.As target,
		// which escapes.
		return nil
	}
	var ae *facade.APIError
	if errors.As(err, &ae) && ae.StatusCode == 422 && strings.HasPrefix(ae.Message, "ResourceNotFound") {
		return &resourceNotFound{err: ae}
	}
	return err
}

// call describes one operation for wire.
func (c *Client) call(op string) wire.Call {
	return wire.Call{Platform: platform, Operation: op, Message: plainMessage, Scrubber: c.scrub}
}

// The error-page patterns are compiled on first use rather than at
// package init, which every program linking the facade would pay.
var (
	tagRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?s)<[^>]*>`) })
	spaceRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\s+`) })
)

// plainMessage reads RightScale's error bodies: plain text served as
// text/html ("ResourceNotFound: Couldn't find Cloud with ID=0 "), or a
// JSON-looking list of [attribute, message] pairs for validation errors,
// or, from a proxy, an HTML page.
func plainMessage(body []byte) string {
	s := strings.TrimSpace(string(body))
	if strings.HasPrefix(s, "[") {
		var pairs [][]string
		if json.Unmarshal([]byte(s), &pairs) == nil && len(pairs) > 0 {
			parts := make([]string, 0, len(pairs))
			for _, p := range pairs {
				switch len(p) {
				case 0:
				case 1:
					parts = append(parts, p[0])
				default:
					parts = append(parts, p[0]+": "+strings.Join(p[1:], " "))
				}
			}
			return strings.Join(parts, "; ")
		}
	}
	if strings.HasPrefix(s, "<") {
		s = tagRE().ReplaceAllString(s, " ")
	}
	return strings.TrimSpace(spaceRE().ReplaceAllString(s, " "))
}
