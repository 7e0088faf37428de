// Package web will serve Settle's three pages — the customer demo app, the agent
// console and the ops console — and the customer cobrowse SDK, from pre-built
// bundles embedded in the binary, so `go build` needs no Node.
package web
