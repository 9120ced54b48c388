package facade_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/switchboard-go/switchboard/facade"
)

// getComponent stands for any facade call; it fails the way a Cachet
// client does when the component does not exist.
func getComponent(context.Context, int) error {
	err := &facade.APIError{
		Platform:   "cachet",
		Operation:  "GetComponent",
		Method:     "GET",
		URL:        "https://status.example.com/api/v1/components/9",
		StatusCode: 404,
		RequestID:  "f3a1c2",
		Message:    "Component not found",
	}
	return fmt.Errorf("sync status page: %w", err)
}

// Match the kind of failure with errors.Is, and read the details with
// errors.As; both see through the caller's own wrapping.
func Example_errors() {
	err := getComponent(context.Background(), 9)

	if errors.Is(err, facade.ErrNotFound) {
		fmt.Println("no such component")
	}
	var apiErr *facade.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Message, "request", apiErr.RequestID)
	}
	var transportErr *facade.TransportError
	if !errors.As(err, &transportErr) && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Println("the server did answer")
	}
	fmt.Println(err)
	// Output:
	// no such component
	// 404 Component not found request f3a1c2
	// the server did answer
	// sync status page: cachet: GetComponent: GET https://status.example.com/api/v1/components/9: 404 Not Found: Component not found
}

// A timeout or a cancellation surfaces as a *TransportError that still
// matches the context's errors.
func ExampleTransportError() {
	var err error = &facade.TransportError{
		Platform:  "st2",
		Operation: "GetExecution",
		Method:    "GET",
		URL:       "https://st2.example.com/api/v1/executions/5f1",
		Err:       context.DeadlineExceeded,
	}
	fmt.Println(errors.Is(err, context.DeadlineExceeded))
	fmt.Println(err)
	// Output:
	// true
	// st2: GetExecution: GET https://st2.example.com/api/v1/executions/5f1: context deadline exceeded
}

func ExampleNewOptions() {
	o := facade.NewOptions(
		facade.WithTimeout(time.Minute),
		facade.WithRetry(2, 0, 0), // two retries, default delays
		facade.WithUserAgent("nightly-sync/1.0"),
	)
	fmt.Println(o.Timeout, o.MaxRetries, o.RetryBaseDelay, o.RetryMaxDelay, o.UserAgent, o.InsecureSkipVerify)
	// Output: 1m0s 2 200ms 10s nightly-sync/1.0 false
}
