package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error the caller can act on.
type Kind int

const (
	Internal        Kind = iota
	Invalid              // malformed input: 400
	Unauthenticated      // no or bad credentials: 401
	Forbidden            // authenticated, not allowed: 403
	NotFound             // 404
	Conflict             // state conflict or duplicate: 409
	TooLarge             // 413
	Unprocessable        // well-formed but not acceptable: 422
	RateLimited          // 429
	Unsupported          // unsupported media type: 415
)

// Error is an error the caller caused and may be told about.
type Error struct {
	Kind    Kind
	Code    string // stable, machine-readable: "not_found", "invalid_field"
	Message string // for people; never includes secrets or internal details
	Field   string // the offending input field, when there is one
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (field %s)", e.Code, e.Message, e.Field)
	}
	return e.Code + ": " + e.Message
}

// Is makes errors.Is match on kind and code, so a domain sentinel such as
// disputes.ErrNotFound matches a copy carrying another message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.Code == e.Code
}

// New returns an error of the given kind.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// Field returns an error about one input field.
func Field(kind Kind, field, message string) *Error {
	code := "invalid_field"
	if kind == Invalid {
		code = "bad_request"
	}
	return &Error{Kind: kind, Code: code, Message: message, Field: field}
}

// Invalidf is a 422 about a field, with a formatted message.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Kind: Unprocessable, Code: "invalid_field", Message: fmt.Sprintf(format, args...), Field: field}
}

// NotFoundf is a 404 with a formatted message.
func NotFoundf(format string, args ...any) *Error {
	return &Error{Kind: NotFound, Code: "not_found", Message: fmt.Sprintf(format, args...)}
}

// Conflictf is a 409 with a formatted message.
func Conflictf(code, format string, args ...any) *Error {
	return &Error{Kind: Conflict, Code: code, Message: fmt.Sprintf(format, args...)}
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
