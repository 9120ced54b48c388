// Package cachet is a client for the API v1 of Cachet 2.x status pages
// (2.4, and 2.3 where noted), the Go successor of the Python
// cachet-client 4.0.1. It wraps the generated package gen/cachetapi and
// adds what the wire format does not say: typed statuses, times as
// time.Time, tags as a map, iterators over lists, and workarounds for the
// real server's traps, so that code which works against the emulator
// (package cachettest) works against a real Cachet.
//
// # Getting a client
//
//	c, err := cachet.New("https://status.example.com/api/v1", token)
//	c, err := cachet.NewFromEnv() // reads the variables below
//
//	CACHET_ENDPOINT    API endpoint, ending in /api/v1 (no trailing slash)
//	CACHET_API_TOKEN   a dashboard user's API token; unset: guest, read-only
//
// HTTP settings (timeout, retries of idempotent calls, logging, TLS) are
// the facade.Option values every Switchboard platform takes. There is no
// CACHET_VERIFY_TLS: certificate checks are turned off only by writing
// facade.WithInsecureSkipVerify() in the code (prefer
// facade.WithCACertFile for a private CA).
//
// Times: the client sends the Time-Zone header (UTC unless
// [Client.WithTimeZone] says otherwise), so the server reads the dates it
// is given and writes the dates it returns in that zone, and time.Time
// values are exact whatever the site's configured zone.
//
// # Calls
//
// Each kind of object has a manager on the client (c.Components,
// c.Incidents, …) with Create, Get, Update, Delete, List and Count where
// the API has them. Create takes a struct of the fields to set; Update
// takes a "Changes" struct of pointers, so that "leave as is" (nil) and
// "set to the zero value" (new(0), new(false)) differ. List returns an
// iter.Seq2 that fetches pages as the loop needs them; see [ListOptions].
//
// # Errors
//
// A failed call returns one of these, possibly wrapped:
//   - *facade.APIError for a non-2xx answer, with Cachet's explanation
//     (the first error's detail plus the failed validation rules) in
//     Message; match it with errors.Is(err, facade.ErrNotFound),
//     facade.ErrUnauthorized (missing or wrong token on a write),
//     facade.ErrValidation (400), facade.ErrRateLimited (a 429, still
//     there after the retries of idempotent calls)...
//   - *facade.DecodeError for a 2xx answer that is not what the API
//     promises: an HTML page from a proxy, a missing "data", a timestamp
//     that does not parse (never a silent zero time);
//   - *facade.TransportError when no answer arrived (the request could
//     not be built or sent, or the context ended first); a List iterator
//     whose context is already done when it is about to fetch a page
//     yields ctx.Err() itself instead;
//   - *facade.ArgumentError for an argument refused before sending (it matches
//     facade.ErrValidation too), and *facade.ConfigError from New and
//     WithTimeZone (an endpoint, a CA certificate file or TLS options that
//     cannot be used);
//   - an error matching facade.ErrNotFound that is none of the types
//     above, where the server answered 200 but the facade found that the
//     object does not belong to the parent the call names, a check the
//     server skips: IncidentUpdates.Get, Update and Delete with an update
//     of another incident (nothing is changed), and MetricPoints.Update
//     without a Value when the point is not in its metric's list. Test
//     it with errors.Is, not errors.As.
//
// # The real server's traps, and what the facade does about them
//
//   - A filtered list cannot be paged (page + filter is a 500): filtered
//     lists read one large page and fall back to client-side filtering
//     when it does not hold every match ([ListOptions]).
//   - order=asc is ignored except on component groups: ascending lists are
//     read backwards from the last page ([ListOptions]).
//   - An incident update without visible/stickied makes the incident
//     public and unsticks it: Update resends their current values
//     ([IncidentChanges]); it also never emails subscribers unless asked.
//   - A metric point update without a value sets it to 0: Update resends
//     the current value ([MetricPointManager.Update]).
//   - Incident updates and metric points are looked up by their own id,
//     whatever incident or metric the path names: IncidentUpdates.Get,
//     Update and Delete check the incident first (one GET); metric points
//     have no GET, so MetricPoints.Delete, and Update with a Value, do not
//     check ([MetricPointManager.Delete]).
//   - Partial updates send only the fields set (cachet-client sent
//     visible=0 on every group update).
//   - Dates are accepted only as "Y-m-d H:i": the facade formats
//     time.Time values that way, in the client's zone.
//   - URLs ending in "/" are redirected, which turns writes into reads:
//     the facade never adds a trailing slash, refuses an endpoint with
//     one, and never follows a redirect on a write.
//   - Tags go in as one comma-separated string (a name with a comma is
//     refused) and come back as an object, or as [] when there are none.
//   - Booleans: visible, collapsed and display_chart are sent as 0/1,
//     enabled, stickied, notify and verify as JSON booleans, the only
//     forms every path of the server reads right.
//
// # From cachet-client
//
//	Python                                   Go
//	Client(endpoint, api_token)              cachet.New(endpoint, token)
//	Client() (env)                           cachet.NewFromEnv()
//	Client(..., verify_tls=False)            cachet.New(..., facade.WithInsecureSkipVerify())
//	client.ping() -> bool                    c.Ping(ctx) -> error
//	client.version()                         c.Version(ctx)
//	client.components.list(page, per_page)   c.Components.List(ctx, opts) (all pages)
//	client.components.count()                c.Components.Count(ctx, opts)
//	component.add_tag / del_tag / has_tag    ComponentChanges.AddTag / RemoveTag, Component.HasTag
//	group.is_operational (misread collapsed) ComponentGroup.IsOperational (reads the components)
//	client.incidents.update(...)             c.Incidents.Update(ctx, id, cachet.IncidentChanges{...})
//	client.subscribers.create(email, ...)    c.Subscribers.Create(ctx, email, cachet.SubscriberOptions{...})
//	  (verify=True, the default)             SubscriberOptions{} (verified, no email)
//	  (verify=False)                         SubscriberOptions{SendVerificationEmail: true}
//	enums.COMPONENT_STATUS_MAJOR_OUTAGE      cachet.ComponentMajorOutage
package cachet
