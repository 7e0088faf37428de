// Package httpx is Settle's HTTP platform: JSON in and out, the one error shape
// and the one mapping from error kinds to statuses (API.md), request ids, access
// logs, panic recovery, body limits, metrics, the three kinds of caller
// authentication (customer JWTs, staff sessions, merchant API keys),
// Idempotency-Key replay, and graceful serving. It knows no feature: feature
// packages mount their own routes and use these pieces. It never writes an internal
// error's text to a client.
package httpx
