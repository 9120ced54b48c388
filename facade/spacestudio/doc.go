// Package spacestudio is a client for the scripting API of Exotrail's
// spacestudio (the API the Python package spacestudio-constellation 3.x
// drives). It wraps the generated package gen/spacestudioapi, whose spec
// describes only the calls the Python package is known to make; see
// specs/spacestudio/openapi.yaml for what is confirmed and what is not.
//
// # Connecting
//
//	c, err := spacestudio.Connect(ctx, "https://spacestudio.exotrail.space", mail, password, clientID)
//	c, err := spacestudio.ConnectFromEnv(ctx) // the variables below, from the environment or ./.env
//
//	LOG_BASE_URL            application URL
//	LOG_MAIL, LOG_PASSWORD  the account
//	CLIENT_ID               the OIDC client id Exotrail issues
//	VERIFY_SSL_CERTIFICATE  exactly FALSE: no TLS verification
//	SPACESTUDIO_TOKEN_URL   Switchboard's own: another Keycloak token URL
//
// The login is OpenID Connect's password grant against the Keycloak realm
// spacestudio-users (a public client, no secret), done with
// golang.org/x/oauth2; then GET /exoops/users/infos gives the user id every
// collection hangs off. Unlike the Python package, the client renews its
// access token with the refresh token before it expires, logs in again
// when the API answers 401 (one renewal at a time, whatever the number of
// goroutines), uses the base URL it was given for every call, and never
// exits the process: every failure is an error.
//
// # Calls
//
// Each collection has a manager on the Client: c.Orbits, c.Spacecraft,
// c.PropulsionSystems, ..., c.SimulationMissions (see [Collections] for
// the table). Objects managers List, Get, FindByName, Create, Update,
// Delete and DeleteByName; Missions managers add Compute, Status, Wait,
// RunComputation, Results and WriteResults; SimulationMissions add
// ComputeUntil, ResumeFromResults and MergedResults. c.Files downloads
// stored files as CSV or JSON to an io.Writer, streamed, without a call
// timeout; a download cut short is an error (a *facade.TransportError for a
// dropped connection, a *facade.DecodeError for a JSON document that ends
// before its closing brackets), and a failing writer's error is returned
// as such, never mistaken for the network's.
//
// The API has no call that reads one object and no server-side filter or
// paging: Get and FindByName list the whole collection and search it on
// the client (FindByName compares displayedName, as the Python package
// does). Objects are kept whole ([Object.Fields]): the server accepts
// more fields than are confirmed, and composite objects embed full copies
// of the objects they use (a mission carries its spacecraft and orbit
// objects, not their ids), so pass the *Object you got back as the value.
// Units are the API's: metres, radians, seconds, kilograms, watts.
//
// # Errors
//
//   - *facade.APIError for a non-2xx answer: facade.ErrConflict for a
//     name already taken (409), facade.ErrUnauthorized for a refused login,
//     facade.ErrForbidden when the scripting option is not active...
//   - *NotFoundError (matching facade.ErrNotFound) for a name or id not in
//     its collection;
//   - *ComputationError when a finished computation's results list errors;
//   - *facade.WaitTimeoutError when a wait ends before the computation;
//   - *facade.DecodeError, *facade.TransportError, *facade.ConfigError and
//     *facade.ArgumentError as on every platform; a .env file that cannot
//     be read safely is a *facade.ConfigError matching ErrEnvFile, which
//     never quotes the file (it holds the password).
//
// Secrets (the password, access and refresh tokens) never appear in
// errors or in the debug log: token exchanges are logged without bodies,
// and every token is scrubbed from messages once it is known.
//
// # Not covered
//
// Endpoints the Python README names but never calls (fieldsdescription,
// runningProcess, pendingProcess), the Swagger UI, and the two unused URL
// constants of urls.py. The fields of several kinds (antennas, ground
// stations, launches, most constellation missions...) are not known; they
// are sent and kept as given.
package spacestudio
