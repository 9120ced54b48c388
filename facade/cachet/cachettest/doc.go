// Package cachettest is an in-memory emulator of the Cachet 2.4 API
// (API v1), in the manner of net/http/httptest: tests start one on a
// loopback port, point the code under test at Server.URL with Server.Token,
// and inspect the outcome through the API. The same server backs the CLI's
// --sandbox flag and `switchboard sandbox serve cachet`.
//
// The emulator behaves like a real Cachet 2.4 server, quirks included, so a
// client that works against it works against Cachet. Its model is the
// 2.4 branch's routes, controllers, bus commands, models and presenters,
// read from source (no real server was run to record it); where it
// deliberately differs, the difference is listed below.
//
// # Use in a test
//
//	func TestReportsOutage(t *testing.T) {
//		srv := cachettest.NewServer(cachettest.WithSeed(func(sd *cachettest.Seeder) {
//			sd.Component(cachetapi.ComponentCreate{Name: "API", Status: cachetapi.ComponentStatusOperational})
//		}))
//		t.Cleanup(srv.Close)
//
//		err := myapp.ReportOutage(srv.URL, srv.Token, "API") // the code under test
//		...
//		// then GET srv.URL+"/components/1" and check its status
//	}
//
// Server.URL is the API base ("http://127.0.0.1:PORT/api/v1", no trailing
// slash). Send the token as the X-Cachet-Token header and JSON bodies with
// Content-Type: application/json, as Cachet requires. The data lives in
// memory and dies with Close. Seed it with WithSeed or Server.Seed (a
// Seeder takes the generated cachetapi request types and runs them through
// the same code as the API), SeedComponents, and AddIncidentTemplate
// (templates cannot be made through the API). WithClock freezes or drives
// time, WithTimeZone sets the site zone, WithAlwaysAuthenticate the site
// setting of that name, WithLatency a per-request delay, FailNext and
// FailNextWith inject failures of every kind package fault knows (a 429
// with Retry-After, a connection reset mid-body, a proxy's HTML page),
// Faults().SetRate random ones (WithFaultSeed replays them), WithTLS
// serves HTTPS (Server.Client and Server.Certificate trust it) and
// WithAddr listens elsewhere. NewServer panics when it cannot listen,
// like httptest; a long-running server such as `sandbox serve` uses
// Listen, which returns that error instead:
//
//	srv, err := cachettest.Listen(cachettest.WithAddr("127.0.0.1:8000"))
//	if err != nil {
//		log.Fatal(err) // e.g. the address is in use
//	}
//	fmt.Printf("CACHET_ENDPOINT=%s\nCACHET_API_TOKEN=%s\n", srv.URL, srv.Token)
//
// Server.Handler is the bare handler (full /api/v1 paths), for
// httptest.NewRecorder or mounting under another server. It is safe for
// concurrent use: one lock guards the data, and responses are encoded
// after it is released.
//
// # What the emulator reproduces
//
// Transport and errors:
//   - Authentication by X-Cachet-Token only. Every GET is public except
//     GET /subscribers; writes need the token (401). An invalid token on a
//     public GET makes the caller a guest. Guests see enabled components
//     only, groups with visible=1 and incidents with visible>=1; with the
//     token everything. WithAlwaysAuthenticate requires the token on every
//     route but /ping, /version and /status. Token owner: user id 1.
//   - Middleware order: an unknown id is a 404 before the Accept check
//     (406 when Accept excludes JSON; none is fine), which comes before the
//     token check. Unknown routes answer 404, known paths with another
//     method 405 with Allow, OPTIONS Laravel's automatic 200. URLs ending in
//     "/" get the stock Apache 301 to the URL without it (any method).
//   - Error bodies {"errors":[{"id":uuid,"status","title","detail"}]}, with
//     meta.details for validation errors (400), worded like Laravel 5.7's
//     messages ("The name field is required."), rules checked in Cachet's
//     order with Laravel's semantics (blank strings skip non-required
//     rules, the first failed "required" stops an attribute).
//   - Creates answer 200 {"data":...}; DELETE answers 204 without a body;
//     deleted objects are 404 afterwards (soft deletes where Cachet has
//     them, which the API cannot tell apart).
//   - Input is read like Laravel's: query and body merged (body first),
//     JSON bodies when the Content-Type says JSON, form bodies otherwise,
//     PHP-style "a[]" keys; strings are trimmed (not incident and schedule
//     messages on create).
//   - Timestamps "Y-m-d H:i:s" in the site zone, or the zone of a valid
//     Time-Zone header, which also reads input dates. Raw rows embedded in
//     other objects (a group's components, an incident's updates, a
//     subscriber's subscriptions) and incident templates use the
//     application zone, UTC, since no presenter formats them.
//   - CORS headers on the public read routes (any origin, X-Cachet-Token).
//
// Lists:
//   - meta.pagination {total,count,per_page,current_page,total_pages,links}
//     with absolute next/previous URLs carrying the request's other query
//     parameters (PHP's http_build_query encoding) then page; per_page
//     default 20 (0 gives 15, a word is a 500); total_pages is never below
//     1; a page past the end is empty.
//   - A valid sort column is always applied descending, except on component
//     groups where order=asc (the default) and desc work; unknown columns
//     are ignored; sort on incident templates is a 500; on incident updates
//     sort only breaks ties after created_at desc.
//   - Filters on components, groups and incidents: once a query key names a
//     searchable column, every key but sort, order and per_page becomes a
//     "column = value" condition, so page or any unknown key next to a
//     filter is a 500 (an unknown SQL column), as is a value of the wrong
//     type. On components, tags=slug or tags[]=a&tags[]=b keep components
//     with any of those tag slugs; tags is no column, so it cannot be
//     combined with a filter.
//
// Resources:
//   - Components: tags in as a comma string (an array is a 400), out as
//     {slug: name} or [] when empty, slugs as Laravel's Str::slug makes them
//     ("Foo.Bar" gives "foobar"); a non-empty tags on PUT replaces the set,
//     an empty one leaves it. PUT without enabled keeps it (2.4). On create,
//     enabled goes through PHP's (bool) cast, so "false" enables (and null
//     or "" disable); on PUT the validator's bool rule refuses "true". status 0-4 with status_name; meta
//     is a JSON column ({} comes back as [], PHP cannot tell them apart).
//     updated_at only moves when something changed.
//   - Groups: visible 0, collapsed 0, order 0 by default; collapsed accepts
//     0-4; enabled_components by order, enabled_components_lowest worst
//     status first, lowest_human_status (null when empty); deleting a group
//     moves its components out of it.
//   - Incidents: name and status required, message required unless a
//     template supplies it; occurred_at in "Y-m-d H:i" as PHP reads it
//     (one-digit month, day and hour pass; seconds or any other format are
//     a 500), with the seconds taken from the clock and PHP's date rollover
//     (2019-02-30 is March 2nd); vars or meta null (or not an
//     object) is a 500; component_id and component_status each require the
//     other and set the component's status; visible/notify/stickied go
//     through (bool) on create and update, and a PUT that omits them resets
//     them to visible=1, stickied=false (the trap); meta is ignored on PUT;
//     human_status of status 0 is the raw key "cachet.incidents.status.0";
//     latest_* fall back to the incident's own status; duration is 0, or
//     with updates the seconds from creation to now (a server bug);
//     notifications is always false (notify is never stored).
//   - Incident templates: read-only; add them with AddIncidentTemplate.
//   - Incident updates: status 1-4 and message required; the incident takes
//     the update's status; newest first; GET one does not check the
//     incident in the path; PUT makes the caller the author and leaves the
//     incident's status alone; component_id/component_status are validated,
//     then ignored.
//   - Metrics: defaults calc_type 0, display_chart true, places 2,
//     default_view 1 ("view" is an alias), threshold 5 (must divide 60),
//     order 0, visible 1; no visibility filter for guests; deleting one
//     deletes its points.
//   - Metric points: created_at rounded to the nearest 30 s; the same value
//     again within the threshold window (from the start of the minute
//     threshold-1 minutes before now) increments the counter of the
//     existing point; calculated_value = value × counter; values are
//     decimal(15,3) and written as PHP floats ("3.0"); PUT casts an omitted
//     value to 0, moves the point to the metric in the URL, and refuses a
//     JSON number timestamp (the command declares a string); there is no
//     GET for one point (405).
//   - Schedules: name, status 0-2 and scheduled_at required; a bad date is a
//     400 on create and a 500 on update; an unset completed_at shows the
//     current time; components are accepted and ignored.
//   - Subscribers: GET needs the token; a known email returns the existing
//     subscriber unchanged; any truthy verify verifies at once (otherwise
//     the site setting, see WithSkipSubscriberVerification); components
//     null, omitted or empty subscribes to every component, else to the
//     listed ones; global is always true (the column default: the API never
//     sets it); verified_at in the long format ("Friday 24th May 2019
//     10:01:44"), the current time when unverified; verify_code is random.
//   - /ping, /version (on_latest from PHP's version_compare of WithVersion
//     and WithLatestRelease, so "2.4.0-dev" is "newer" than "v2.3.18"; a
//     failed release check is a 500) and /status with its (wrong) Unix-time
//     max-age.
//
// /status follows Cachet's System::getStatus over the enabled components
// the caller may see (guests do not count components of hidden groups):
// "danger" ("The system is experiencing major issues" / "Some systems are
// experiencing major issues") when at least the major outage rate (50%,
// WithMajorOutageRate) of them are in major outage; "success" ("System
// operational" / "All systems are operational") when all are operational,
// or there are none, and no incident is unresolved; "info" ("The system is
// experiencing issues" / "Some systems are experiencing issues") otherwise.
//
// # Incident templates
//
// Cachet renders templates with Twig. The emulator renders the subset
// templates use in practice: {{ name }} and {{ dotted.name }} lookups of
// the request's vars and of incident.name, .status, .message, .visible,
// .notify, .stickied, .occurred_at, .component (its id, name, description,
// link, status, order, group_id, enabled) and .component_status; the
// filters raw, e/escape, upper, lower, trim, capitalize and title;
// {# comments #}; and {{- -}} white-space control. Output is HTML-escaped
// like Twig's default environment. Anything else ({% if %}, {% for %},
// other filters, expressions) is copied to the message unrendered.
//
// # Deliberate differences
//
//   - A 406 is answered with the JSON error body. The real exception
//     handler negotiates the error's format with the same Accept header and
//     probably falls back to its HTML page for "text/html" alone.
//   - Strings are trimmed but not HTML-sanitised (Cachet's input layer also
//     strips what it considers XSS).
//   - An unknown Time-Zone header is ignored; the real server would most
//     likely fail (500) on its first date.
//   - Filters compare like PostgreSQL: strings exactly and case-sensitively,
//     and a value that does not fit the column's type is a 500. MySQL
//     installs compare loosely (status=abc matches 0, names case-blind).
//     Sorting strings uses byte order, not a database collation.
//   - A non-numeric id in a URL is a 404 (PostgreSQL answers 500, MySQL
//     404 or, for "1abc", object 1).
//   - Without sort, lists come in id order; rows with equal timestamps
//     (a frozen clock) come newest id first in incident updates and metric
//     points. A database gives no such guarantee.
//   - Nothing is sent: no emails (subscriber verification, notify), no
//     events, no Slack; notify is accepted and ignored.
//   - /version never calls GitHub: WithLatestRelease says what it would
//     answer and WithReleaseCheckFailure makes it fail.
//   - The JSON is equivalent, not byte-identical: Go escapes <, > and & and
//     leaves / alone, and keys inside meta objects come sorted.
//   - POST /subscribers returns global, phone_number and slack_webhook_url
//     like the list does; the real handler returns a freshly created model
//     that may lack these columns in that one response.
//   - Str::slug's transliteration covers the common accented Latin letters
//     only; other non-ASCII characters are dropped.
//   - Everything outside /api/v1 is a 404: there is no status page.
//   - One user: the token's owner, id 1.
package cachettest
