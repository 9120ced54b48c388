package cachetcmd

import (
	"context"
	"iter"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/facade/cachet"
)

var subscriberKind = kind{
	plural:  "subscribers",
	columns: []string{"id", "email", "global", "verified_at", "created_at"},
	order:   []string{"id", "email", "global", "verified_at", "subscriptions"},
}

func (e *env) subscriberCmd() *cobra.Command {
	cmd := resource("subscriber", "Subscribers: who gets email notifications (every call needs a token)", "subscribers")
	cmd.AddCommand(e.subscriberList(), e.subscriberCreate(), e.subscriberDelete())
	return cmd
}

func (e *env) subscriberList() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List subscribers",
		Args:  cobra.NoArgs,
	}
	return listCmd(e, cmd, subscriberKind, nil, false,
		func(cmd *cobra.Command, c *cachet.Client, _ []string, lo cachet.ListOptions) (iter.Seq2[cachet.Subscriber, error], error) {
			return c.Subscribers.List(cmd.Context(), lo), nil
		})
}

func (e *env) subscriberCreate() *cobra.Command {
	var (
		components []int
		verify     bool
	)
	cmd := &cobra.Command{
		Use:   "create EMAIL",
		Short: "Subscribe an email address",
		Long: `Subscribe an email address, to every component or to those given with
--component. An address already subscribed is shown unchanged.`,
		Example: `  switchboard cachet subscriber create ops@example.com --component 1 --component 2 --verify`,
		Args:    cobra.ExactArgs(1),
	}
	cmd.Flags().IntSliceVar(&components, "component", nil, "follow only this component id (repeatable; default: all)")
	cmd.Flags().BoolVar(&verify, "verify", false, "mark the address verified at once instead of emailing a link")
	cmd.RunE = e.run(func(cmd *cobra.Command, c *cachet.Client, args []string) error {
		// The facade refuses a malformed address before sending it; run
		// turns that into a usage error.
		s, err := c.Subscribers.Create(cmd.Context(), args[0], cachet.SubscriberOptions{Components: components, Verify: verify})
		if err != nil {
			return err
		}
		return e.show(c, subscriberKind, s)
	})
	return cmd
}

func (e *env) subscriberDelete() *cobra.Command {
	return deleteCmd(e, "SUBSCRIBER_ID", "Unsubscribe a subscriber from everything",
		func(ctx context.Context, c *cachet.Client, id int) error { return c.Subscribers.Delete(ctx, id) })
}
