package httpx

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/errs"
)

// Idempotency replays stored responses for repeated Idempotency-Key requests
// (API.md): the same key and body returns the first response; the same key with
// another body is a 409. Keys are scoped to the caller and kept for KeyTTL.
//
// The first request reserves the key before running; a concurrent duplicate sees
// the reservation and gets a 409 rather than running twice. A reservation whose
// request died with the server is taken over after staleAfter. Responses with a
// 5xx status are not stored, so the client can retry them.
type Idempotency struct {
	pool  *pgxpool.Pool
	clock clock.Clock
}

const (
	// KeyTTL is how long a key's response is replayed.
	KeyTTL     = 24 * time.Hour
	staleAfter = time.Minute
	maxKeyLen  = 255
)

// NewIdempotency returns the middleware's store.
func NewIdempotency(pool *pgxpool.Pool, c clock.Clock) *Idempotency {
	return &Idempotency{pool: pool, clock: c}
}

// Middleware applies to POST requests of authenticated callers that carry the
// header; others pass straight through.
func (m *Idempotency) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		p, authed := CurrentPrincipal(r.Context())
		if key == "" || r.Method != http.MethodPost || !authed {
			next.ServeHTTP(w, r)
			return
		}
		if len(key) > maxKeyLen || !printable(key) {
			WriteError(w, r, errs.Field(errs.Invalid, "Idempotency-Key", "Idempotency-Key must be 1 to 255 printable ASCII characters"))
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			WriteError(w, r, decodeError(err))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h := sha256.New()
		io.WriteString(h, r.Method+" "+r.URL.Path+"\n")
		h.Write(body)
		m.serve(w, r, next, p.Scope(), key, h.Sum(nil))
	})
}

func (m *Idempotency) serve(w http.ResponseWriter, r *http.Request, next http.Handler, scope, key string, reqHash []byte) {
	ctx := r.Context()
	stored, reserved, err := m.reserve(ctx, scope, key, reqHash)
	switch {
	case err != nil:
		WriteError(w, r, err)
		return
	case !reserved:
		w.Header().Set("Idempotent-Replayed", "true")
		w.Header().Set("Content-Type", stored.contentType)
		w.WriteHeader(stored.status)
		w.Write(stored.body)
		return
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	next.ServeHTTP(rec, r)
	// Store with a context that outlives a client that hung up: the work is done.
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := m.finish(saveCtx, scope, key, rec); err != nil {
		Logger(ctx).Error("idempotency: store response", "error", err.Error())
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	w.Write(rec.body.Bytes())
}

type storedResponse struct {
	status      int
	contentType string
	body        []byte
}

// reserve claims the key for this request, or returns the response stored for
// it. The insert is the lock: of two concurrent first requests, one inserts and
// the other waits for it to commit, then finds its row.
func (m *Idempotency) reserve(ctx context.Context, scope, key string, reqHash []byte) (storedResponse, bool, error) {
	var out storedResponse
	reserved := false
	err := pgx.BeginFunc(ctx, m.pool, func(tx pgx.Tx) error {
		now := m.clock.Now()
		if _, err := tx.Exec(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created_at < $3`,
			scope, key, now.Add(-KeyTTL)); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (scope, key, request_hash, created_at, locked_at)
			VALUES ($1, $2, $3, $4, $4) ON CONFLICT (scope, key) DO NOTHING`, scope, key, reqHash, now)
		if err != nil || tag.RowsAffected() == 1 {
			reserved = err == nil
			return err
		}
		var (
			hash   []byte
			status *int
			ct     *string
			locked time.Time
		)
		err = tx.QueryRow(ctx, `SELECT request_hash, status, content_type, body, locked_at
			FROM idempotency_keys WHERE scope = $1 AND key = $2 FOR UPDATE`, scope, key).
			Scan(&hash, &status, &ct, &out.body, &locked)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			// The first request failed and released the key between our insert and
			// select: ask the client to retry rather than loop here.
			return errs.New(errs.Conflict, "idempotency_key_in_use", "a request with this Idempotency-Key was just being processed; retry")
		case err != nil:
			return err
		case !bytes.Equal(hash, reqHash):
			return errs.New(errs.Conflict, "idempotency_key_reused", "this Idempotency-Key was used with a different request")
		case status == nil && now.Sub(locked) < staleAfter:
			return errs.New(errs.Conflict, "idempotency_key_in_use", "a request with this Idempotency-Key is still being processed")
		case status == nil:
			reserved = true // the first attempt died with its server; take over
			_, err = tx.Exec(ctx, `UPDATE idempotency_keys SET locked_at = $3 WHERE scope = $1 AND key = $2`, scope, key, now)
			return err
		}
		out.status, out.contentType = *status, *ct
		return nil
	})
	return out, reserved, err
}

func (m *Idempotency) finish(ctx context.Context, scope, key string, rec *recorder) error {
	if rec.status >= 500 {
		_, err := m.pool.Exec(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2`, scope, key)
		return err
	}
	_, err := m.pool.Exec(ctx, `UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5
		WHERE scope = $1 AND key = $2`, scope, key, rec.status, rec.header.Get("Content-Type"), rec.body.Bytes())
	return err
}

// recorder buffers a handler's response so it can be stored before it is sent.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(s int) {
	if !r.wrote {
		r.status, r.wrote = s, true
	}
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
