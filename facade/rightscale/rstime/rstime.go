// Package rstime holds the timestamp type of the RightScale API 1.5, which
// writes times as "2015/04/08 18:46:02 +0000" rather than RFC 3339. It is a
// package of its own so that the generated client (gen/rightscaleapi), the
// facade and the emulator can share it without an import cycle; users meet
// it as rightscale.Time.
package rstime

import (
	"bytes"
	"fmt"
	"time"
)

// Layout is RightScale's wire format (Ruby's default Time#to_s).
const Layout = "2006/01/02 15:04:05 -0700"

// Time is a time.Time that reads and writes RightScale's format. The zero
// Time stands for an absent or null timestamp (terminated_at of a running
// instance) and is omitted by omitzero.
type Time struct {
	time.Time
}

// Parse reads a RightScale timestamp.
func Parse(s string) (Time, error) {
	t, err := time.Parse(Layout, s)
	if err != nil {
		return Time{}, fmt.Errorf("rstime: %q is not a RightScale timestamp (want %s)", s, Layout)
	}
	return Time{t}, nil
}

// String formats t as RightScale does; the zero Time is "".
func (t Time) String() string {
	if t.IsZero() {
		return ""
	}
	return t.Format(Layout)
}

// MarshalJSON writes t in RightScale's format, or null when t is zero.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(Layout)+2)
	b = append(b, '"')
	b = t.AppendFormat(b, Layout)
	return append(b, '"'), nil
}

// UnmarshalJSON reads RightScale's format; null and "" give the zero Time.
// Any other shape (RFC 3339 included) is an error, so a server that changed
// its format is noticed rather than read as the zero time.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) || bytes.Equal(b, []byte(`""`)) {
		*t = Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("rstime: want a string, got %.40s", b)
	}
	p, err := Parse(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*t = p
	return nil
}

// MarshalText writes t in RightScale's format (used for query parameters).
func (t Time) MarshalText() ([]byte, error) {
	return []byte(t.String()), nil
}

// UnmarshalText reads RightScale's format; "" gives the zero Time.
func (t *Time) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*t = Time{}
		return nil
	}
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*t = p
	return nil
}
