// Package facade holds what the Switchboard clients of every platform
// (Cachet, StackStorm, RightScale, Saagie, spacestudio) share: the error types
// a caller can inspect and the options every client constructor accepts.
//
// It lives outside internal/ on purpose: callers must be able to name these
// types to write errors.As and errors.Is checks that work the same way on all
// five platforms.
//
// # Errors
//
// Every call returns one of three error types, always as a pointer, possibly
// wrapped:
//
//   - [*APIError]: the server answered with a non-2xx status. Match the
//     status class with errors.Is and the sentinels ([ErrNotFound],
//     [ErrUnauthorized], [ErrForbidden], [ErrConflict], [ErrValidation],
//     [ErrRateLimited]); use errors.As to read the status code, the server's
//     message and the request id to quote to the platform's operators.
//   - [*DecodeError]: the server answered 2xx but the body was not what the
//     API promises (an HTML login page from a proxy, an empty body). Clients
//     never turn such a response into a silent nil result.
//   - [*TransportError]: no response at all (DNS, dial, TLS, timeout).
//     errors.Is(err, context.DeadlineExceeded) and context.Canceled still
//     work through it.
//
// URLs, bodies and messages stored in these errors are redacted: credentials
// in headers, query strings and JSON bodies are replaced by "[REDACTED]" and
// so are the configured secrets wherever a server echoes them, so an error
// can be logged or shown to a user as is.
package facade
