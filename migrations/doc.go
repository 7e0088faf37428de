// Package migrations holds Settle's SQL schema as numbered goose migrations,
// embedded in the binary, and the few calls the binary needs: bring the schema up
// to date, report its status, and tell whether it is current. A migration, once
// released, is never edited: change the schema with a new file.
package migrations
