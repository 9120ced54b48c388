// Package switchboard is the root of the Switchboard module: a Go SDK and
// command-line tool for StackStorm, Cachet, RightScale, Saagie and Exotrail
// spacestudio. Users import the facade packages under facade/; this package
// only carries the go:generate directives that rebuild gen/ from specs/.
package switchboard
