// Package rightscale is the Switchboard facade for the RightScale (Flexera
// CMP) Cloud Management API 1.5, in the place of python-rightscale.
//
// # Configuration
//
// [New] takes the account's shard ("https://us-3.rightscale.com") and its
// API refresh token. [LoadConfig] and [NewFromEnv] find them as
// python-rightscale does, plus the environment: explicit values, then
// RIGHTSCALE_API_ENDPOINT and RIGHTSCALE_REFRESH_TOKEN, then the [OAuth]
// section of ~/.rightscalerc (or $RIGHTSCALE_RC), keys api_endpoint and
// refresh_token. An rc file others can read gives a warning.
//
// The refresh token is exchanged at POST /api/oauth2 (golang.org/x/oauth2,
// with X-API-Version: 1.5) for a bearer token, renewed a minute before it
// expires and once after a 401, one exchange at a time however many
// goroutines share the client. The token endpoint does not redirect: a
// client configured with another shard than the account's fails with an
// [*ExchangeError] saying so.
//
// # Resources
//
// Every resource is reached through a generic [Collection] addressed by
// href: Index (filters, view; API 1.5 has no paging, the iterator walks
// the one answer), List, Show, Create (returns the new href from
// Location), Update, Destroy, Action and CollectionAction for custom
// actions (lock, clone, launch, multi_terminate...), FindByName, FindHref
// and Search. Account-level collections are fields of [Client]
// (c.Deployments, c.Servers, c.RightScripts...), cloud-level ones methods
// taking the cloud (c.Instances(cloudHref)), nested ones methods taking
// the parent ([Client.Inputs], [Client.CurrentInstances]), and [At] reaches
// any href the API links to. Resource types are the generated models of
// gen/rightscaleapi; [Client.API] exposes the whole generated client on
// the same connection for anything else.
//
// python-rightscale's helpers map as follows:
//
//	find_by_name(coll, name)        coll.FindByName / FindHref (exact after the server's partial match)
//	find_by_name(coll, n, False)    coll.Search
//	list_instances(...)             Client.ListInstances (view "tiny" by default, as in Python)
//	run_script_on_server(...)       Client.RunScriptOnServer + Task.Wait (a failure is an error)
//	(none)                          Client.RunScriptOnServerArray
//	get_by_path(path)               Client.GetByPath
//	get_accounts()                  Client.SessionAccounts
//
// Inputs ([Inputs], [ParseInput]) are sent in the 2.0 notation, each value
// with its type prefix: text:, cred:, env:, key:, array:[...], or one of
// inherit, ignore and blank; a value the API would refuse is an error
// before anything is sent. The legacy 1.0 list notation, which the spec
// describes too, is left to [Client.API].
//
// # Errors
//
// RightScale's errors are plain text, usually 422: they become
// *facade.APIError with the text as Message ("ResourceNotFound: Couldn't
// find Cloud with ID=0"); ResourceNotFound also matches
// facade.ErrNotFound. A task whose summary starts with "failed" (or
// "aborted") makes [Task.Wait] return a [*TaskFailedError].
//
// Answers that are not what the API documents are *facade.DecodeError: a
// malformed or truncated body, a 2xx that is not JSON (an HTML login or
// proxy page, [ErrUnexpectedContentType]), a body over 256 MiB
// ([ErrResponseTooLarge]), a create or run_executable answer without a
// usable Location ([ErrNoLocation]; for these POSTs it also matches
// facade.ErrOutcomeUnknown: the server answered 2xx, so the resource or
// task may exist, and creating it again could double it). Arguments the
// API would refuse or misread are *facade.ArgumentError before anything
// is sent; hrefs that do not name an API resource on the client's own
// shard are [ErrInvalidHref]. Neither the refresh token nor access tokens
// appear in errors or logs.
package rightscale
