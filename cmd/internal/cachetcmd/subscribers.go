package cachetcmd

import (
	"net/mail"

	"github.com/spf13/cobra"

	"github.com/switchboard-go/switchboard/cmd/internal/app"
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
	var l listFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List subscribers",
		Args:  cobra.NoArgs,
	}
	addListFlags(cmd, &l, nil, false)
	cmd.RunE = e.run(func(cmd *cobra.Command, c *cachet.Client, _ []string) error {
		lo, err := l.options()
		if err != nil {
			return err
		}
		return showList(e, c, subscriberKind, l.limit, c.Subscribers.List(cmd.Context(), lo))
	})
	return cmd
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
		// The generated client checks the address only while encoding the
		// request, and the facade reports that as a failed call; a typo
		// is a usage error.
		if a, err := mail.ParseAddress(args[0]); err != nil || a.Address != args[0] {
			return app.Usagef("EMAIL %q: not an email address", args[0])
		}
		s, err := c.Subscribers.Create(cmd.Context(), args[0], cachet.SubscriberOptions{Components: components, Verify: verify})
		if err != nil {
			return err
		}
		return e.show(c, subscriberKind, s)
	})
	return cmd
}

func (e *env) subscriberDelete() *cobra.Command {
	return &cobra.Command{
		Use:   "delete SUBSCRIBER_ID",
		Short: "Unsubscribe a subscriber from everything",
		Args:  cobra.ExactArgs(1),
		RunE: e.run(func(cmd *cobra.Command, c *cachet.Client, args []string) error {
			id, err := parseID("SUBSCRIBER_ID", args[0])
			if err != nil {
				return err
			}
			if err := c.Subscribers.Delete(cmd.Context(), id); err != nil {
				return err
			}
			return e.deleted(id)
		}),
	}
}
