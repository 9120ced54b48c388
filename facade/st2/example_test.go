package st2_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/st2"
	"github.com/switchboard-go/switchboard/facade/st2/st2test"
)

// Run an action and wait for its result, logging in with a user and
// password as ~/.st2/config would configure it.
func Example() {
	srv := st2test.NewServer()
	defer srv.Close()

	c, err := st2.New(st2.Config{
		AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL,
		Username: srv.Username, Password: srv.Password,
		TokenCacheDir: tempDir(),
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ex, err := c.Executions.RunAndWait(ctx, "core.echo", map[string]any{"message": "hello"},
		st2.WaitOptions{WaitOptions: facade.WaitOptions{Interval: 10 * time.Millisecond, Timeout: time.Minute}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ex.Action.Ref, ex.Status, ex.Result["stdout"])
	// Output: core.echo succeeded hello
}

// A failed execution is an error that carries the execution.
func ExampleExecutionManager_Wait() {
	srv := st2test.NewServer(st2test.WithActionHandler("examples.fail", &st2test.Action{RunnerType: "python-script"},
		func(context.Context, map[string]any) (any, error) { return nil, errors.New("disk full") }))
	defer srv.Close()
	c, err := st2.New(st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	ex, err := c.Executions.Run(ctx, "examples.fail", nil)
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Executions.Wait(ctx, ex.ID, st2.WaitOptions{WaitOptions: facade.WaitOptions{Interval: 10 * time.Millisecond}})
	var failed *st2.ExecutionError
	if errors.As(err, &failed) && errors.Is(err, st2.ErrExecutionFailed) {
		fmt.Println("status:", failed.Execution.Status)
	}
	// Output: status: failed
}

// Keys: set a secret, read it back decrypted.
func ExampleKeyManager() {
	srv := st2test.NewServer()
	defer srv.Close()
	c, err := st2.New(st2.Config{AuthURL: srv.AuthURL, APIURL: srv.APIURL, StreamURL: srv.StreamURL, APIKey: srv.APIKey})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.Keys.Set(ctx, st2.KeyValuePairSet{Name: "db_password", Value: "s3cr3t", Secret: true}); err != nil {
		log.Fatal(err)
	}
	stored, _ := c.Keys.Get(ctx, "db_password", st2.KeyOptions{})
	plain, _ := c.Keys.Get(ctx, "db_password", st2.KeyOptions{Decrypt: true})
	fmt.Println(stored.Encrypted, plain.Value)
	// Output: true s3cr3t
}
