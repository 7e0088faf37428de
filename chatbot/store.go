package chatbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/internal/db"
	"github.com/settlehq/settle/internal/errs"
)

// Conversation is one chat between a customer and Settle.
type Conversation struct {
	ID         string    `json:"conversation_id"`
	CustomerID string    `json:"customer_id"`
	Status     string    `json:"status"` // bot | agent | closed
	State      State     `json:"state"`
	DisputeID  string    `json:"dispute_id,omitempty"`
	HandoffID  string    `json:"handoff_id,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Message is one stored line of a transcript (already redacted).
type Message struct {
	Seq          int          `json:"seq"`
	Role         string       `json:"role"`
	Author       string       `json:"author,omitempty"`
	Text         string       `json:"text"`
	Citations    []Citation   `json:"citations"`
	QuickReplies []QuickReply `json:"quick_replies"`
	Flags        []string     `json:"flags,omitempty"`
	At           time.Time    `json:"at"`
}

// ErrConversationNotFound hides other customers' conversations too.
var ErrConversationNotFound = errs.New(errs.NotFound, "conversation_not_found", "no such conversation")

const convColumns = `id, customer_id, status, state, coalesce(dispute_id, ''), coalesce(handoff_id, ''), created_at, updated_at`

func scanConversation(row pgx.Row) (Conversation, error) {
	var c Conversation
	err := row.Scan(&c.ID, &c.CustomerID, &c.Status, &c.State, &c.DisputeID, &c.HandoffID, &c.CreatedAt, &c.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return c, ErrConversationNotFound
	}
	return c, err
}

func getConversation(ctx context.Context, q db.Querier, id string, forUpdate bool) (Conversation, error) {
	sql := `SELECT ` + convColumns + ` FROM conversations WHERE id = $1`
	if forUpdate {
		sql += ` FOR UPDATE`
	}
	return scanConversation(q.QueryRow(ctx, sql, id))
}

func insertConversation(ctx context.Context, tx pgx.Tx, c Conversation) error {
	if _, err := tx.Exec(ctx, `INSERT INTO customers (id, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		c.CustomerID, c.CreatedAt); err != nil {
		return fmt.Errorf("ensure customer: %w", err)
	}
	_, err := tx.Exec(ctx, `INSERT INTO conversations (id, customer_id, state, created_at, updated_at) VALUES ($1,$2,$3,$4,$4)`,
		c.ID, c.CustomerID, c.State, c.CreatedAt)
	if err != nil {
		return fmt.Errorf("insert conversation: %w", err)
	}
	return nil
}

func saveConversation(ctx context.Context, tx pgx.Tx, c Conversation, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE conversations SET status = $2, state = $3, dispute_id = nullif($4, ''),
		handoff_id = nullif($5, ''), updated_at = $6 WHERE id = $1`, c.ID, c.Status, c.State, c.DisputeID, c.HandoffID, now)
	if err != nil {
		return fmt.Errorf("save conversation: %w", err)
	}
	return nil
}

// appendMessage stores a message; the caller holds the conversation's row
// lock, which orders the sequence numbers.
func appendMessage(ctx context.Context, tx pgx.Tx, convID string, m Message) (Message, error) {
	if m.Citations == nil {
		m.Citations = []Citation{}
	}
	if m.QuickReplies == nil {
		m.QuickReplies = []QuickReply{}
	}
	cites, _ := json.Marshal(m.Citations)
	qr, _ := json.Marshal(m.QuickReplies)
	flags := m.Flags
	if flags == nil {
		flags = []string{}
	}
	err := tx.QueryRow(ctx, `INSERT INTO conversation_messages (conversation_id, seq, role, author, text, citations,
		quick_replies, flags, at) VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM conversation_messages WHERE conversation_id = $1),
		$2, $3, $4, $5, $6, $7, $8) RETURNING seq`, convID, m.Role, m.Author, m.Text, cites, qr, flags, m.At).Scan(&m.Seq)
	if err != nil {
		return m, fmt.Errorf("append message: %w", err)
	}
	return m, nil
}

func transcript(ctx context.Context, q db.Querier, convID string) ([]Message, error) {
	rows, err := q.Query(ctx, `SELECT seq, role, author, text, citations, quick_replies, flags, at
		FROM conversation_messages WHERE conversation_id = $1 ORDER BY seq`, convID)
	if err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Message, error) {
		var m Message
		err := r.Scan(&m.Seq, &m.Role, &m.Author, &m.Text, &m.Citations, &m.QuickReplies, &m.Flags, &m.At)
		m.At = m.At.UTC()
		return m, err
	})
	if out == nil {
		out = []Message{}
	}
	return out, err
}

// List returns the customer's most recent conversations, newest first.
func (s *Service) List(ctx context.Context, customerID string) ([]Conversation, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+convColumns+` FROM conversations WHERE customer_id = $1
		ORDER BY created_at DESC LIMIT 20`, customerID)
	if err != nil {
		return nil, fmt.Errorf("list conversations: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Conversation, error) { return scanConversation(r) })
	if out == nil {
		out = []Conversation{}
	}
	return out, err
}
