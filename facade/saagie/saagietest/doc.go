// Package saagietest is an in-memory emulator of a Saagie platform, in the
// manner of net/http/httptest: the login endpoint, the per-platform
// Projects GraphQL endpoint, the realm's gateway (technology catalog)
// GraphQL endpoint and the REST services around them. Tests start one on a
// loopback port and point the code under test at Server.URL with
// Server.PlatformID, Server.Realm, Server.User and Server.Password. The same
// server backs the CLI's --sandbox flag and `switchboard sandbox serve
// saagie`.
//
//	srv := saagietest.NewServer(saagietest.WithDemoData())
//	t.Cleanup(srv.Close)
//	c, err := saagie.New(ctx, srv.URL, srv.PlatformID, srv.User, srv.Password, srv.Realm)
//
// NewServer panics when it cannot listen, like httptest; Listen returns the
// error instead, for long-running servers whose address comes from a user.
//
// # Wire format
//
//   - POST /authentication/api/open/authenticate: JSON {login, password} and
//     the Saagie-Realm header (any case) in, the JWT as text/plain out; bad
//     credentials or realm are a 401. Tokens are HS256 JWTs with exp =
//     clock + WithTokenTTL (default one hour). The administrator and every
//     user created through /auth/api/users log in. LoginCount counts the
//     successful logins; RevokeTokens invalidates every token issued.
//   - The token is read from Authorization: Bearer, the access_token query
//     parameter or the SAAGIETOKEN<REALM> cookie. A missing, invalid or
//     expired token is a 401 whose body is a Spring Boot error object, not a
//     GraphQL result, so clients look at the status and log in again.
//   - Paths are read with runs of slashes collapsed and are never
//     redirected: saagieapi posts to //authentication/... and that works.
//   - POST /projects/api/platform/{id}/graphql and POST /gateway/api/graphql
//     take {query, variables, operationName} as JSON, or a GraphQL multipart
//     request (operations, map, file parts). Each document is parsed and
//     validated with gqlparser against specs/saagie/schema.graphql or
//     gateway.graphql (embedded by package saagiespec), then executed: only
//     the selected fields come back, in order, under their aliases, with
//     variables, fragments, inline fragments on interfaces and unions, and
//     @skip/@include. Literals and variables of the UUID scalar must be
//     UUIDs. Introspection (__schema, __type) is answered, as saagieapi's gql
//     client needs it; WithoutIntrospection turns it off.
//   - Errors have graphql-java's shape: a document that does not parse or
//     validate answers {"errors": [...]} without data (classification
//     InvalidSyntax or ValidationError, with locations); a field that fails
//     is null with an error carrying message, locations, path and
//     extensions, the other fields are kept, and a null in a non-null
//     position nulls the nearest nullable parent (a failing non-null root
//     field makes data null). Saagie's own validation errors are reproduced
//     as its Gradle plugin's fixtures show them: "Job not valid" with
//     {"job": "NOT_EXISTS", "classification": "ValidationError"} for an
//     unknown id, {"name": "already used"} for a duplicate name.
//   - REST: users, groups (/auth/api), group permissions (/security/api),
//     profiles (/profiles/api/), password change, the log-proxy (limit,
//     skip, streams; {logs, limit, total, order, source}) and the artifact
//     download at packageInfo.downloadUrl. REST calls other than the
//     download need the Saagie-Realm header (401 without it).
//
// # The platform
//
// One platform (WithPlatformID, default 1) with projects, jobs (versions,
// artifacts, Docker images, instances), graph pipelines (versions,
// instances), apps (Docker image or catalog context, versions, history),
// environment variables at the GLOBAL, PROJECT, PIPELINE, APP and JOB
// scopes (a lower scope hides a higher one, which shows in
// overriddenValues; password values are never returned), Docker
// credentials, storage volumes, and a read-only "Saagie" technology
// repository (Python, Java/Scala, Bash, R, Spark; Docker image, Jupyter,
// VS Code) with runtime contexts. The administrator is a protected user in
// the protected "administrators" group.
//
// Statuses follow the clock (WithClock), computed when an object is read,
// so tests advance a fake clock instead of sleeping (durations in
// WithTimeline, default DefaultTimeline):
//   - job and pipeline instances: REQUESTED, QUEUED, RUNNING, then their
//     outcome; stopJobInstance/stopPipelineInstance give KILLING, then
//     KILLED. The outcome is SUCCEEDED, FAILED when the job's command line
//     contains "exit 1", or whatever SetJobOutcome says (any final status:
//     FAILED, KILLED, ERROR, SKIPPED, UNKNOWN); ForceJobInstanceStatus and
//     ForcePipelineInstanceStatus set a status at once. A pipeline run starts
//     one job instance per job node at once and fails when one of them
//     fails.
//   - projects: INIT_REQUESTED, INITIALIZING, then READY.
//   - apps: STOPPED when created; runApp gives STARTING then STARTED,
//     stopApp STOPPING then STOPPED; ForceAppStatus sets any AppStatus.
//
// Validation the server does itself is reproduced: unique project, job,
// pipeline (name and alias), app, storage and repository names; a job's
// technology must be allowed in its project for its category and its
// runtimeVersion must be an available context of the technology; a
// pipeline's job nodes must name jobs of its project; the current version
// of a job or pipeline cannot be deleted, nor an unfinished instance; a
// storage mounted by an app's current version can be neither deleted nor
// unlinked; environment variable names follow the platform's rules.
//
// Seed data: WithSeed and Server.Seed hand a Seeder whose methods go through
// the same code as the API (Project, Job, Pipeline, App, EnvVar,
// DockerCredentials, Volume, RunJob, Demo); WithDemoData adds the demo set.
// FailNext and FailNextWith inject failures of every kind package fault
// knows (error statuses with the Spring error body, a 429 with
// Retry-After, a connection reset after a job was run, a proxy's HTML
// page) or a GraphQL "Unexpected error", in front of the platform;
// Faults().SetRate injects random ones, replayable with WithFaultSeed;
// WithLatency delays requests; WithTLS serves HTTPS.
//
// # Deliberate differences and inferences
//
//   - Nothing runs: artifacts are stored and served back, never executed.
//     Log lines exist only where AddLogs put them.
//   - Pipelines do not walk their graph: every job node starts at once and
//     condition nodes are not evaluated. evaluateConditionExpression knows
//     true, false, comparisons of variables with string literals (== and
//     !=) joined by && and ||; anything else is reported invalid.
//   - The real token's claims and lifetime are not documented; the
//     emulator's claims (sub, realm, roles, iat, exp, jti) are its own.
//   - Repository zips and URLs are not read: a synchronization keeps the
//     repository's technologies and reports them UNCHANGED.
//   - Error messages of the GraphQL validator are gqlparser's, not
//     graphql-java's ("Cannot query field ..." rather than "Validation
//     error (FieldUndefined@...)"); the classification is the same.
//   - Unknown ids in queries answer the NOT_EXISTS validation error rather
//     than a silent null; by-name and by-alias lookups answer null (except
//     graphPipelineByAlias, non-null in the schema).
//   - Names of duplicated jobs, pipelines and storages ("<name> (copy)"),
//     default aliases (the name with other characters than letters, digits
//     and _ replaced by _), the FAILED selector also counting ERROR
//     instances, a missing group answering 404 (saagieapi expects a 500 in
//     one place), and the shapes of the Gradle-only permissions call are
//     inferences.
//   - moveJob and moveVolume work within the one emulated platform only.
//   - Roles are not enforced: any user who logs in may call the realm's
//     administration (users, groups, permissions) and see every project.
//   - The platform URL the emulator gives (PlatformURL) names the host
//     "<realm>-workspace.localhost" with the server's port, which reaches
//     the loopback interface (RFC 6761) and lets EasyConnect read the
//     realm; saagieapi's easy_connect still refuses it (http, a port).
//   - Ids are random version 4 UUIDs, as the platform's, unless WithIDSeed
//     makes them reproducible.
package saagietest
