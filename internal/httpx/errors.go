package httpx

import (
	"log/slog"
	"net/http"

	"github.com/settlehq/settle/internal/errs"
)

// ErrorBody is the JSON error shape of API.md.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// Status maps an error kind to its HTTP status. This is the only such mapping.
func Status(k errs.Kind) int {
	switch k {
	case errs.Invalid:
		return http.StatusBadRequest
	case errs.Unauthenticated:
		return http.StatusUnauthorized
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.TooLarge:
		return http.StatusRequestEntityTooLarge
	case errs.Unprocessable:
		return http.StatusUnprocessableEntity
	case errs.RateLimited:
		return http.StatusTooManyRequests
	case errs.Unsupported:
		return http.StatusUnsupportedMediaType
	default:
		return http.StatusInternalServerError
	}
}

// WriteError writes err in the API's error shape. Errors the caller caused are
// shown as they are; anything else is logged once, with the request id, and the
// caller sees only that something went wrong on our side.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	if e, ok := errs.As(err); ok && e.Kind != errs.Internal {
		if e.Kind == errs.Unauthenticated {
			w.Header().Set("WWW-Authenticate", `Bearer realm="settle"`)
		}
		WriteJSON(w, Status(e.Kind), ErrorBody{ErrorDetail{Code: e.Code, Message: e.Message, Field: e.Field}})
		return
	}
	Logger(r.Context()).Error("internal error", slog.String("error", err.Error()))
	WriteJSON(w, http.StatusInternalServerError, ErrorBody{ErrorDetail{
		Code: "internal", Message: "something went wrong on our side; request id " + RequestID(r.Context()),
	}})
}

// NotFound answers unknown routes in the API's error shape.
func NotFound(w http.ResponseWriter, r *http.Request) {
	WriteError(w, r, errs.New(errs.NotFound, "not_found", "no such endpoint: "+r.Method+" "+r.URL.Path))
}

// MethodNotAllowed answers a known path with the wrong method.
func MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusMethodNotAllowed, ErrorBody{ErrorDetail{
		Code: "method_not_allowed", Message: r.Method + " is not supported on " + r.URL.Path,
	}})
}
