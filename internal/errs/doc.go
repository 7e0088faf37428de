// Package errs is the small vocabulary of errors a caller can cause. Domain
// packages build their typed errors from it (disputes.ErrNotFound is an *Error of
// kind NotFound) and internal/httpx maps each Kind to one HTTP status in one place.
// Anything that is not an *Error is an internal error: logged once, never shown.
package errs
