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
		sendEmail  bool
	)
	cmd := &cobra.Command{
		Use:   "create EMAIL",
		Short: "Subscribe an email address",
		Long: `Subscribe an email address, to every component or to those given with
--component. An address already subscribed is shown unchanged.

The address is marked verified at once and no email is sent, as
cachet-client does by default; with --send-verification-email the server
emails it a verification link instead, and it gets no notification until
the link is followed.`,
		Example: `  switchboard cachet subscriber create ops@example.com --component 1 --component 2
  switchboard cachet subscriber create someone@example.com --send-verification-email`,
		Args: cobra.ExactArgs(1),
	}
	cmd.Flags().IntSliceVar(&components, "component", nil, "follow only this component id (repeatable; default: all)")
	cmd.Flags().BoolVar(&sendEmail, "send-verification-email", false, "email the address a verification link instead of marking it verified at once")
	cmd.RunE = e.run(func(cmd *cobra.Command, c *cachet.Client, args []string) error {
		// The facade refuses a malformed address before sending it; run
		// turns that into a usage error.
		s, err := c.Subscribers.Create(cmd.Context(), args[0], cachet.SubscriberOptions{Components: components, SendVerificationEmail: sendEmail})
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
