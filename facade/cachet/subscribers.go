package cachet

import (
	"context"
	"iter"
	"net/mail"
	"slices"

	apitypes "github.com/oapi-codegen/runtime/types"
	"github.com/switchboard-go/switchboard/facade"
	"github.com/switchboard-go/switchboard/facade/internal/wire"
	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// SubscriberManager manages email subscribers. Every call needs a token,
// listing included.
type SubscriberManager struct{ c *Client }

// SubscriberOptions tune [SubscriberManager.Create].
type SubscriberOptions struct {
	// Components are the ids of the components to follow; nil or empty
	// follows every component (a "global" subscriber).
	Components []int
	// SendVerificationEmail asks the server to email the address a
	// verification link (it sends verify=false); the subscriber is then
	// unverified, and gets no notification, until the link is followed.
	// The server does so whatever the site's "skip subscriber
	// verification" setting says.
	//
	// The zero value sends verify=true: the address is verified at once
	// and no email is sent, cachet-client's default (create(email,
	// verify=True)), so code ported from Python keeps its behaviour.
	SendVerificationEmail bool
}

// Create subscribes email, a bare address such as "ops@example.com" (not
// "Ops <ops@example.com>"). An address net/mail cannot parse is refused
// with an [*facade.ArgumentError] before anything is sent.
//
// If the address is already subscribed, the server returns the existing
// subscriber unchanged, with the same 200 as a creation: Components and
// SendVerificationEmail are then not applied, and the caller cannot tell
// the two cases apart from the answer (compare CreatedAt with the time of
// the call if it matters).
func (m *SubscriberManager) Create(ctx context.Context, email string, opts SubscriberOptions) (*Subscriber, error) {
	if err := checkEmail(email); err != nil {
		return nil, err
	}
	body := cachetapi.SubscriberCreate{Email: apitypes.Email(email)}
	if len(opts.Components) > 0 {
		ids := slices.Clone(opts.Components)
		body.Components = &ids
	}
	// Always sent: without it, Cachet 2.4 follows the site's setting and
	// 2.3 emails the address.
	verify := !opts.SendVerificationEmail
	body.Verify = &verify
	resp, err := m.c.api.CreateSubscriber(ctx, body)
	return decodeOne(m.c, "CreateSubscriber", resp, err,
		func(e cachetapi.SubscriberResponse) cachetapi.Subscriber { return e.Data },
		func(s cachetapi.Subscriber) int { return s.ID },
		(*decoder).subscriber)
}

// checkEmail accepts a bare address only. The generated model would
// otherwise fail while encoding the request (reported as a failed call),
// or quietly send the address part of "Name <address>".
func checkEmail(email string) error {
	a, err := mail.ParseAddress(email)
	switch {
	case err != nil:
		return &facade.ArgumentError{Platform: platform, Operation: "Subscribers.Create", Argument: "email", Reason: quote(email) + " is not an email address"}
	case a.Name != "" || a.Address != email:
		return &facade.ArgumentError{Platform: platform, Operation: "Subscribers.Create", Argument: "email",
			Reason: quote(email) + " is not a bare address; give " + quote(a.Address) + " alone"}
	}
	return nil
}

// Delete unsubscribes a subscriber from everything.
func (m *SubscriberManager) Delete(ctx context.Context, id int) error {
	resp, err := m.c.api.DeleteSubscriber(ctx, id)
	return wire.NoContent(m.c.call("DeleteSubscriber"), resp, err)
}

// List iterates over the subscribers. They cannot be sorted, so Sort and
// Order must be empty.
func (m *SubscriberManager) List(ctx context.Context, opts ListOptions) iter.Seq2[Subscriber, error] {
	return m.lister().seq(ctx, opts)
}

// Count returns the number of subscribers with one request.
func (m *SubscriberManager) Count(ctx context.Context) (int, error) {
	return m.lister().count(ctx)
}

func (m *SubscriberManager) lister() *lister[Subscriber] {
	const op = "ListSubscribers"
	return &lister[Subscriber]{
		c:    m.c,
		spec: listSpec{op: "Subscribers.List"},
		id:   func(s Subscriber) int { return s.ID },
		fetch: func(ctx context.Context, q pageQuery) (pageOf[Subscriber], error) {
			resp, err := m.c.api.ListSubscribers(ctx, &cachetapi.ListSubscribersParams{
				Page:    ptrIf(q.page),
				PerPage: ptrIf(q.perPage),
			})
			return decodePage(m.c, op, resp, err, q.sizeHint(),
				func(e *cachetapi.SubscriberList) (*[]cachetapi.Subscriber, *cachetapi.Pagination) {
					return &e.Data, &e.Meta.Pagination
				},
				(*decoder).subscriber)
		},
	}
}

// SubscriptionManager removes single subscriber-component links; the API
// cannot list or create them (a subscriber's links are in
// Subscriber.Subscriptions).
type SubscriptionManager struct{ c *Client }

// Delete removes one subscription: the subscriber stops following that
// component only.
func (m *SubscriptionManager) Delete(ctx context.Context, id int) error {
	resp, err := m.c.api.DeleteSubscription(ctx, id)
	return wire.NoContent(m.c.call("DeleteSubscription"), resp, err)
}
