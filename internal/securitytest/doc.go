// Package securitytest holds the cross-platform security tests of issue 8
// ("Secrets"): every platform's flows, through the facades and through the
// CLI, with debug logging on, scanned for the credentials they used; the
// credentials never following a redirect to another host; and TLS
// verification that only an option named for it turns off. It has no
// code of its own: everything is in its tests.
package securitytest
