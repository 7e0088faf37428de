package disputes

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/db"
)

// AuditEvent is one entry of a dispute's append-only log. Hash covers the
// previous entry's hash and this entry's content, so changing, removing or
// reordering any stored entry breaks the chain from there on.
type AuditEvent struct {
	Seq      int             `json:"seq"`
	At       time.Time       `json:"at"`
	Actor    string          `json:"actor"`
	Type     string          `json:"type"`
	Data     json.RawMessage `json:"data"`
	PrevHash []byte          `json:"prev_hash"`
	Hash     []byte          `json:"hash"`
}

// eventHash is SHA-256 over the previous hash and a length-prefixed encoding of
// every field, so no two different events can encode the same.
func eventHash(disputeID string, e AuditEvent) []byte {
	h := sha256.New()
	h.Write(e.PrevHash)
	for _, f := range []string{disputeID, strconv.Itoa(e.Seq), e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Type, string(e.Data)} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return h.Sum(nil)
}

// appendEvent adds an event to the dispute's log. The caller holds the
// dispute's row lock (it updated or locked the row in this transaction), which
// serialises appends.
func appendEvent(ctx context.Context, tx pgx.Tx, disputeID, actor, typ string, data any, at time.Time) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("audit: marshal %s: %w", typ, err)
	}
	e := AuditEvent{At: at.UTC().Truncate(time.Microsecond), Actor: actor, Type: typ, Data: raw, PrevHash: []byte{}}
	err = tx.QueryRow(ctx, `SELECT seq, hash FROM dispute_events WHERE dispute_id = $1 ORDER BY seq DESC LIMIT 1`, disputeID).
		Scan(&e.Seq, &e.PrevHash)
	if err != nil && err != pgx.ErrNoRows {
		return fmt.Errorf("audit: last event: %w", err)
	}
	e.Seq++
	e.Hash = eventHash(disputeID, e)
	_, err = tx.Exec(ctx, `INSERT INTO dispute_events (dispute_id, seq, at, actor, type, data, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, disputeID, e.Seq, e.At, e.Actor, e.Type, string(e.Data), e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("audit: append %s: %w", typ, err)
	}
	// The head on the dispute row makes a deleted last entry detectable too.
	if _, err := tx.Exec(ctx, `UPDATE disputes SET audit_head = $2 WHERE id = $1`, disputeID, e.Hash); err != nil {
		return fmt.Errorf("audit: head: %w", err)
	}
	return nil
}

// AuditLog is a dispute's log and whether its chain verifies.
type AuditLog struct {
	DisputeID string       `json:"dispute_id"`
	Events    []AuditEvent `json:"events"`
	Verified  bool         `json:"verified"`
	// BrokenAt is the first entry whose hash does not check out (0 when verified).
	BrokenAt int `json:"broken_at,omitempty"`
}

func loadAudit(ctx context.Context, q db.Querier, disputeID string) ([]AuditEvent, error) {
	rows, err := q.Query(ctx, `SELECT seq, at, actor, type, data::text, prev_hash, hash FROM dispute_events
		WHERE dispute_id = $1 ORDER BY seq`, disputeID)
	if err != nil {
		return nil, fmt.Errorf("audit: load: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (AuditEvent, error) {
		var e AuditEvent
		var data string
		err := r.Scan(&e.Seq, &e.At, &e.Actor, &e.Type, &data, &e.PrevHash, &e.Hash)
		e.Data, e.At = json.RawMessage(data), e.At.UTC()
		return e, err
	})
}

// VerifyChain recomputes every hash from the first entry on, and checks the
// last one against the head recorded on the dispute.
func VerifyChain(disputeID string, events []AuditEvent, head []byte) (bool, int) {
	prev := []byte{}
	for i, e := range events {
		if e.Seq != i+1 || !bytes.Equal(e.PrevHash, prev) || !bytes.Equal(eventHash(disputeID, e), e.Hash) {
			return false, e.Seq
		}
		prev = e.Hash
	}
	if !bytes.Equal(prev, head) {
		return false, len(events) + 1
	}
	return true, 0
}
