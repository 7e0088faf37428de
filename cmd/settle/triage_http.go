package main

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"unicode/utf8"

	"github.com/settlehq/settle/chatbot/nlu"
	"github.com/settlehq/settle/internal/config"
	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/httpx"
)

// triageHandler serves POST /v1/triage (staff only; see routes.go): {"text"}
// → the triage of the configured engine. The engine is built once, here:
// the local model trains on first use, at start-up rather than on the first
// request.
func (a *app) triageHandler(cfg config.Config, log *slog.Logger) http.HandlerFunc {
	engine, buildErr := a.nluEngine(cfg, log)
	return func(w http.ResponseWriter, r *http.Request) {
		if buildErr != nil {
			httpx.WriteError(w, r, buildErr)
			return
		}
		text, err := triageText(r)
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		res, err := engine.Parse(r.Context(), text, nlu.Context{Now: a.clock.Now()})
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, res)
	}
}

// triageText reads and checks the request. The raw body is checked for UTF-8
// before decoding, because encoding/json quietly turns invalid bytes into
// U+FFFD and the message would arrive altered.
func triageText(r *http.Request) (string, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return "", errs.New(errs.TooLarge, "body_too_large", "the body is too large")
		}
		return "", errs.New(errs.Invalid, "bad_body", "the body could not be read")
	}
	if !utf8.Valid(body) {
		return "", &errs.Error{Kind: errs.Invalid, Code: "bad_encoding", Message: "the body is not valid UTF-8", Field: "text"}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var in struct {
		Text string `json:"text"`
	}
	if err := httpx.DecodeJSON(r, &in); err != nil {
		return "", err
	}
	return in.Text, validTriageText(in.Text)
}
