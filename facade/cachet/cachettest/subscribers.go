package cachettest

import (
	"time"

	"github.com/switchboard-go/switchboard/gen/cachetapi"
)

// subscriberOut is a subscriber as the presenter renders it: the phone and
// Slack columns are null through the API, and verified_at uses the long
// date format (the current time when unverified, a presenter quirk).
type subscriberOut struct {
	cachetapi.Subscriber
	PhoneNumber     *string `json:"phone_number"`
	SlackWebhookURL *string `json:"slack_webhook_url"`
}

func (c *reqCtx) subscriberOut(x *subscriber, subs []*subscription) subscriberOut {
	created, updated := fmtTime(x.createdAt, c.loc), fmtTime(x.updatedAt, c.loc)
	verified := c.now
	if x.verifiedAt != nil {
		verified = *x.verifiedAt
	}
	long := fmtLongDate(verified, c.loc)
	out := subscriberOut{Subscriber: cachetapi.Subscriber{
		ID:            x.id,
		Email:         x.email,
		VerifyCode:    x.verifyCode,
		VerifiedAt:    &long,
		Global:        x.global,
		CreatedAt:     &created,
		UpdatedAt:     &updated,
		Subscriptions: make([]cachetapi.Subscription, len(subs)),
	}}
	for i, sub := range subs {
		// Raw rows: timestamps in the application zone (UTC).
		sc, su := fmtTime(sub.createdAt, time.UTC), fmtTime(sub.updatedAt, time.UTC)
		out.Subscriptions[i] = cachetapi.Subscription{
			ID: sub.id, SubscriberID: sub.subscriberID, ComponentID: sub.componentID, CreatedAt: &sc, UpdatedAt: &su,
		}
	}
	return out
}

var subscriberList = &listDef[subscriber]{sort: sortIgnored}

func (s *Server) listSubscribers(c *reqCtx) (int, any, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return listPage(c, s.st.subscribers.all(), subscriberList, func(x *subscriber) subscriberOut {
		return c.subscriberOut(x, s.st.subscriptionsOf(x.id))
	})
}

func (s *Server) createSubscriber(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	x, err := s.insertSubscriber(c, c.in)
	if err != nil {
		return 0, nil, err
	}
	return single(c.subscriberOut(x, s.st.subscriptionsOf(x.id)))
}

// insertSubscriber is SubscribeSubscriberCommandHandler; the caller holds
// the write lock.
func (s *Server) insertSubscriber(c *reqCtx, in *input) (*subscriber, error) {
	email := in.get("email", nil)
	verify := in.get("verify", s.cfg.skipVerify) // any truthy value verifies
	components := in.get("components", nil)
	if err := validate(f("email", email, "required|email")); err != nil {
		return nil, err
	}
	addr := phpString(email)
	for _, x := range s.st.subscribers.all() {
		if x.email == addr {
			return x, nil // already subscribed: returned unchanged
		}
	}
	var targets []*component
	if phpBool(components) {
		var ids []int64
		switch list := components.(type) {
		case []any:
			for _, v := range list {
				if id, isInt := phpIntValue(v); isInt {
					ids = append(ids, id)
				}
			}
		case map[string]any:
			for _, v := range list {
				if id, isInt := phpIntValue(v); isInt {
					ids = append(ids, id)
				}
			}
		default:
			return nil, errServer // whereIn() on a scalar
		}
		for _, x := range s.st.components.all() {
			for _, id := range ids {
				if int64(x.id) == id {
					targets = append(targets, x)
					break
				}
			}
		}
	} else {
		targets = s.st.components.all()
	}
	x := &subscriber{
		email:      addr,
		verifyCode: randomAlnum(42),
		global:     true, // the column's default; the API never changes it
		createdAt:  c.now,
		updatedAt:  c.now,
	}
	x.id = s.st.subscribers.insert(x)
	for _, comp := range targets {
		sub := &subscription{subscriberID: x.id, componentID: comp.id, createdAt: c.now, updatedAt: c.now}
		sub.id = s.st.subscriptions.insert(sub)
	}
	if phpBool(verify) {
		now := c.now
		x.verifiedAt = &now
	}
	return x, nil
}

func (s *Server) deleteSubscriber(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.ids[0]
	for _, sub := range s.st.subscriptionsOf(id) {
		s.st.subscriptions.remove(sub.id)
	}
	s.st.subscribers.remove(id)
	return noContent()
}

func (s *Server) deleteSubscription(c *reqCtx) (int, any, error) {
	s.mu.Lock()
	s.st.subscriptions.remove(c.ids[0])
	s.mu.Unlock()
	return noContent()
}
