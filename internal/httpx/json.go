package httpx

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/settlehq/settle/internal/errs"
)

// WriteJSON writes v as the response body with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing useful to do
}

// DecodeJSON reads exactly one JSON object from the body into dst, rejecting
// unknown fields, trailing data, wrong types and oversize bodies with errors that
// name the problem (and the field, when there is one).
func DecodeJSON(r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return errs.New(errs.Unsupported, "unsupported_media_type", "send the body as application/json")
		}
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return decodeError(err)
		}
		return errs.New(errs.Invalid, "bad_json", "the body must hold a single JSON object")
	}
	return nil
}

func decodeError(err error) error {
	var (
		syntax  *json.SyntaxError
		typ     *json.UnmarshalTypeError
		tooBig  *http.MaxBytesError
		invalid *json.InvalidUnmarshalError
	)
	switch {
	case errors.As(err, &tooBig):
		return errs.New(errs.TooLarge, "body_too_large", fmt.Sprintf("the body is larger than %d bytes", tooBig.Limit))
	case errors.Is(err, io.EOF):
		return errs.New(errs.Invalid, "bad_json", "the body is empty; send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.New(errs.Invalid, "bad_json", "the body ends in the middle of a JSON value")
	case errors.As(err, &syntax):
		return errs.New(errs.Invalid, "bad_json", fmt.Sprintf("malformed JSON at byte %d", syntax.Offset))
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return errs.New(errs.Invalid, "bad_json", "the body must be a JSON object")
		}
		return &errs.Error{Kind: errs.Invalid, Code: "bad_type", Field: field,
			Message: fmt.Sprintf("%s must be %s, not %s", field, jsonKind(typ.Type.Kind().String()), typ.Value)}
	case errors.As(err, &invalid):
		return err // a programming error, not the caller's
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &errs.Error{Kind: errs.Invalid, Code: "unknown_field", Field: field,
			Message: fmt.Sprintf("%s is not a field of this request", field)}
	default:
		return errs.New(errs.Invalid, "bad_json", "the body is not valid JSON")
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "a whole number"
	case "float32", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	default:
		return "an object"
	}
}
