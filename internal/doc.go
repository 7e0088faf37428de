// Package internal groups Settle's platform packages: config (environment to a
// typed struct), db (pool, transactions, test databases), errs (the errors a
// caller can cause), httpx (JSON, errors, auth, limits, serving), clock and id.
// They know no feature; feature packages build on them.
package internal
