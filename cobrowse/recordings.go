package cobrowse

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/errs"
)

// AppendChunk stores gated events as the session's next chunk, chained to
// the previous one, and records the customer's latest activity. The session
// row is locked, so chunks from anywhere are chained in one order.
func (s *Service) AppendChunk(ctx context.Context, sessionID string, events []json.RawMessage, activity time.Time) error {
	return db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		var head []byte
		var count int64
		err := tx.QueryRow(ctx, `SELECT recording_head, chunk_count FROM cobrowse_sessions WHERE id = $1 FOR UPDATE`, sessionID).Scan(&head, &count)
		if err != nil {
			return fmt.Errorf("cobrowse: append chunk: %w", err)
		}
		if len(events) > 0 {
			if count == 0 {
				head = GenesisHash(sessionID)
			}
			body := chunkBody(events)
			hash := ChainHash(head, count, body)
			if _, err := tx.Exec(ctx, `INSERT INTO cobrowse_chunks (session_id, seq, events, event_count, prev_hash, hash, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, sessionID, count, body, len(events), head, hash, s.cfg.Clock.Now()); err != nil {
				return fmt.Errorf("cobrowse: append chunk: %w", err)
			}
			head, count = hash, count+1
		}
		_, err = tx.Exec(ctx, `UPDATE cobrowse_sessions SET recording_head = $2, chunk_count = $3,
			last_activity_at = greatest(last_activity_at, $4) WHERE id = $1`, sessionID, head, count, activity)
		return err
	})
}

// chunk is one stored chunk.
type chunk struct {
	seq            int64
	events         []byte
	prevHash, hash []byte
}

// ChainCheck is the verdict on a recording's hash chain.
type ChainCheck struct {
	Verified bool   `json:"verified"`
	BrokenAt *int64 `json:"broken_at"` // the first chunk that does not verify
	Problem  string `json:"problem,omitempty"`
}

// verifyChain recomputes every chunk's hash from its content and the chain,
// and checks the session's head and count against what is there. It is pure.
func verifyChain(sessionID string, chunks []chunk, head []byte, count int64) ChainCheck {
	prev := GenesisHash(sessionID)
	for i, c := range chunks {
		seq := int64(i)
		switch {
		case c.seq != seq:
			return broken(seq, "chunk missing or out of order")
		case !bytes.Equal(c.prevHash, prev):
			return broken(seq, "chunk does not follow the previous one")
		case !bytes.Equal(ChainHash(prev, seq, c.events), c.hash):
			return broken(seq, "chunk content does not match its hash")
		}
		prev = c.hash
	}
	n := int64(len(chunks))
	switch {
	case n != count:
		return broken(min(n, count), "the session records a different number of chunks")
	case n > 0 && !bytes.Equal(prev, head):
		return broken(n-1, "the last chunk is not the session's recorded head")
	}
	return ChainCheck{Verified: true}
}

func broken(at int64, problem string) ChainCheck {
	return ChainCheck{BrokenAt: &at, Problem: problem}
}

// Recording is a session's stored events and the verdict on their chain.
type Recording struct {
	Session Session `json:"session"`
	ChainCheck
	Chunks int             `json:"chunks"`
	Events json.RawMessage `json:"events"`
}

// Recording returns a session's redacted events, in order, and whether the
// chain verifies.
func (s *Service) Recording(ctx context.Context, sessionID string) (Recording, error) {
	var rec Recording
	var head []byte
	var count int64
	var purged *time.Time
	err := db.Tx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		if rec.Session, err = getSession(ctx, tx, sessionID, false); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT recording_head, chunk_count, recording_purged_at FROM cobrowse_sessions WHERE id = $1`,
			sessionID).Scan(&head, &count, &purged); err != nil {
			return err
		}
		chunks, err := loadChunks(ctx, tx, sessionID)
		rec.ChainCheck, rec.Chunks = verifyChain(sessionID, chunks, head, count), len(chunks)
		rec.Events = joinChunks(chunks)
		return err
	})
	if err == nil && purged != nil {
		return Recording{}, errs.NotFoundf("the recording was deleted on %s (retention)", purged.Format(time.DateOnly))
	}
	return rec, err
}

func loadChunks(ctx context.Context, tx pgx.Tx, sessionID string) ([]chunk, error) {
	rows, err := tx.Query(ctx, `SELECT seq, events, prev_hash, hash FROM cobrowse_chunks WHERE session_id = $1 ORDER BY seq`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("cobrowse: load chunks: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (chunk, error) {
		var c chunk
		err := r.Scan(&c.seq, &c.events, &c.prevHash, &c.hash)
		return c, err
	})
}

// joinChunks concatenates the chunks' event arrays into one. A chunk that is
// no longer a JSON array (tampered with) is left out, so the answer stays
// JSON; the chain check reports it.
func joinChunks(chunks []chunk) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('[')
	first := true
	for _, c := range chunks {
		inner := bytes.TrimSpace(c.events)
		if len(inner) < 2 || inner[0] != '[' || !json.Valid(inner) {
			continue
		}
		inner = bytes.TrimSpace(inner[1 : len(inner)-1])
		if len(inner) == 0 {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		b.Write(inner)
		first = false
	}
	b.WriteByte(']')
	return b.Bytes()
}

// RecordingSummary is one row of the recordings list.
type RecordingSummary struct {
	SessionID  string     `json:"session_id"`
	DisputeID  string     `json:"dispute_id,omitempty"`
	AgentID    string     `json:"agent_id"`
	CustomerID string     `json:"customer_id"`
	Status     Status     `json:"status"`
	CreatedAt  time.Time  `json:"created_at"`
	EndedAt    *time.Time `json:"ended_at"`
	Chunks     int64      `json:"chunks"`
	Events     int64      `json:"events"`
	Verified   bool       `json:"verified"`
	PurgedAt   *time.Time `json:"purged_at,omitempty"`
}

// RecordingFilter narrows the recordings list.
type RecordingFilter struct {
	DisputeID string
	From, To  *time.Time
	Limit     int
}

// Recordings lists sessions with their recordings, newest first. The chain
// is verified in the database (the same hash, computed by PostgreSQL), so
// listing does not ship every chunk here.
func (s *Service) Recordings(ctx context.Context, f RecordingFilter) ([]RecordingSummary, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	rows, err := s.pool.Query(ctx, recordingsSQL, f.DisputeID, f.From, f.To, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("cobrowse: recordings: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (RecordingSummary, error) {
		var x RecordingSummary
		err := r.Scan(&x.SessionID, &x.DisputeID, &x.AgentID, &x.CustomerID, &x.Status, &x.CreatedAt, &x.EndedAt,
			&x.Chunks, &x.Events, &x.Verified, &x.PurgedAt)
		return x, err
	})
}

// recordingsSQL checks, per session: every chunk's hash matches its content
// and predecessor, sequence numbers have no gaps, and the last hash and the
// count match the session row.
const recordingsSQL = `
WITH s AS (
	SELECT * FROM cobrowse_sessions
	WHERE ($1 = '' OR dispute_id = $1) AND ($2::timestamptz IS NULL OR created_at >= $2)
	  AND ($3::timestamptz IS NULL OR created_at < $3)
	ORDER BY created_at DESC, id LIMIT $4
), c AS (
	SELECT c.session_id, c.seq, c.hash, c.event_count,
		c.hash = sha256(c.prev_hash || int8send(c.seq::bigint) || c.events)
		AND c.prev_hash = coalesce(lag(c.hash) OVER w, sha256(convert_to('settle-cobrowse:' || c.session_id, 'UTF8')))
		AND c.seq = row_number() OVER w - 1 AS ok,
		row_number() OVER (PARTITION BY c.session_id ORDER BY c.seq DESC) = 1 AS last
	FROM cobrowse_chunks c WHERE c.session_id IN (SELECT id FROM s)
	WINDOW w AS (PARTITION BY c.session_id ORDER BY c.seq)
), agg AS (
	SELECT session_id, count(*) AS n, sum(event_count) AS events, bool_and(ok) AS ok,
		(array_agg(hash) FILTER (WHERE last))[1] AS last_hash
	FROM c GROUP BY session_id
)
SELECT s.id, coalesce(s.dispute_id, ''), s.agent_id, s.customer_id, s.status, s.created_at, s.ended_at,
	coalesce(agg.n, 0), coalesce(agg.events, 0),
	coalesce(agg.n, 0) = s.chunk_count AND coalesce(agg.ok, true)
		AND (s.chunk_count = 0 OR agg.last_hash = s.recording_head) AND s.recording_purged_at IS NULL,
	s.recording_purged_at
FROM s LEFT JOIN agg ON agg.session_id = s.id
ORDER BY s.created_at DESC, s.id`
