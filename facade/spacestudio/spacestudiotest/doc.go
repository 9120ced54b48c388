// Package spacestudiotest is a stateful in-memory emulator of the
// spacestudio scripting API and of its Keycloak token endpoint, for tests,
// `switchboard --sandbox` and `switchboard sandbox serve spacestudio`:
//
//	srv := spacestudiotest.NewServer()
//	defer srv.Close()
//	c, err := spacestudio.Connect(ctx, srv.URL, srv.Mail, srv.Password, srv.ClientID,
//		spacestudio.WithTokenURL(srv.TokenURL))
//
// What it does: the password and refresh grants of a public client, with
// expiring JWTs (Keycloak's default lifetimes unless WithTokenLifetimes)
// and refresh-token rotation; GET /exoops/users/infos (403 with
// WithoutScriptingOption); every collection of one user, with ids, a
// displayedName equal to the name, 409 for a name already taken in the
// collection, and whole-object PUT; computations that are pending, then
// show progress, then finish after WithCompute's number of polls or time,
// writing a result document to a computation log and an ephemeris file to
// "GridFS"; pause (compute_until_duration), resume (create_from_results)
// and merged results for simulation missions. FailNext and FailNextWith
// inject faults (error statuses, 429, connections reset mid-body, stalls,
// bodies truncated behind a matching Content-Length, malformed JSON, a
// proxy's HTML page) through the fault injector every Switchboard
// emulator shares, and Faults().SetRate random ones, replayable with
// WithFaultSeed; WithClock moves time, Stats counts logins, refreshes
// and 401s, RevokeTokens forces a re-login.
//
// What is the emulator's own, because the real server's behaviour is not
// confirmed: the bodies of errors (Spring Boot's default shape), of
// create/PUT (the stored object), of compute and DELETE (204); the id
// format; status 404 for a mission never computed; the progress values
// between 0 and -1; the results themselves, which come from a toy model
// (altitude changing linearly by deltaSemiMajorAxis, a made-up
// consumption), not flight dynamics; a simulation without spacecraft or
// initialOrbit finishing with errors; the file names (see FileName) and
// the JSON layout of the file downloads. It does not copy a paused
// mission's child objects on resume, and does not store merged results as
// a new mission.
package spacestudiotest
