package facade_test

import (
	"errors"
	"testing"

	"github.com/switchboard-go/switchboard/facade"
)

func TestConfigErrorMessageAndUnwrap(t *testing.T) {
	sentinel := errors.New("bad endpoint")
	err := error(&facade.ConfigError{Platform: "st2", File: "/home/u/.st2/config", Line: 7, Setting: "base_url", Value: "htp:/x", Reason: "not an http(s) URL", Err: sentinel})
	if got, want := err.Error(), `st2: /home/u/.st2/config:7: base_url "htp:/x": not an http(s) URL`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, sentinel) {
		t.Error("errors.Is does not reach the sentinel")
	}
	noReason := &facade.ConfigError{Platform: "cachet", Setting: "CACHET_ENDPOINT", Err: sentinel}
	if got, want := noReason.Error(), "cachet: CACHET_ENDPOINT: bad endpoint"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestArgumentErrorMatchesValidation(t *testing.T) {
	err := error(&facade.ArgumentError{Platform: "cachet", Operation: "Components.Create", Argument: "Tags", Reason: "a tag name cannot contain a comma"})
	if got, want := err.Error(), "cachet: Components.Create: Tags: a tag name cannot contain a comma"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, facade.ErrValidation) {
		t.Error("errors.Is(err, ErrValidation) = false")
	}
	if errors.Is(err, facade.ErrNotFound) {
		t.Error("an ArgumentError must not match ErrNotFound")
	}
}
