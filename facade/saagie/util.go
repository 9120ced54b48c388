package saagie

import "errors"

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// sized returns a slice with room for n items, nil when n is 0: appending
// a list's items one by one would copy them a few times over, and an
// empty answer stays the nil slice it has always been.
func sized[T any](n int) []T {
	if n == 0 {
		return nil
	}
	return make([]T, 0, n)
}
