package chatbot

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/settlehq/settle/chatbot/nlu"
	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/clock"
	"github.com/settlehq/settle/internal/errs"
	"github.com/settlehq/settle/internal/id"
	"github.com/settlehq/settle/knowledge"
)

// Retriever finds the policy sections that answer a question.
type Retriever interface {
	Search(ctx context.Context, query, market string, k int) ([]knowledge.Result, error)
	Section(ctx context.Context, id string) (knowledge.SectionText, error)
}

// Service runs conversations.
type Service struct {
	pool  *pgxpool.Pool
	clock clock.Clock
	ids   *id.Generator
	nlu   nlu.Engine
	kb    Retriever
	// disputes is the concrete service, not an interface: a turn binds it to
	// its own transaction (WithDB), so a dispute opened in chat commits or
	// rolls back with the turn and uses no second connection.
	disputes *disputes.Service
	hub      *Hub
	writer   Writer
}

// NewService wires the chatbot.
func NewService(pool *pgxpool.Pool, c clock.Clock, ids *id.Generator, engine nlu.Engine, kb Retriever, d *disputes.Service) *Service {
	return &Service{pool: pool, clock: c, ids: ids, nlu: engine, kb: kb, disputes: d, hub: NewHub(), writer: TemplateWriter{}}
}

// UseWriter sets how replies are worded (the LLM writer with the llm engine).
func (s *Service) UseWriter(w Writer) { s.writer = w }

// Hub returns the live connections of conversations.
func (s *Service) Hub() *Hub { return s.hub }

// MaxMessageChars bounds one customer message.
const MaxMessageChars = 4000

// Create starts a conversation for a customer.
func (s *Service) Create(ctx context.Context, customerID string) (Conversation, error) {
	now := s.clock.Now()
	c := Conversation{ID: s.ids.Make("cnv"), CustomerID: customerID, Status: "bot", State: State{Phase: PhaseStart},
		CreatedAt: now, UpdatedAt: now}
	return c, pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return insertConversation(ctx, tx, c) })
}

// Get returns one of the customer's conversations and its transcript.
func (s *Service) Get(ctx context.Context, customerID, convID string) (Conversation, []Message, error) {
	c, err := getConversation(ctx, s.pool, convID, false)
	if err != nil || c.CustomerID != customerID {
		return Conversation{}, nil, ErrConversationNotFound
	}
	msgs, err := transcript(ctx, s.pool, convID)
	return c, msgs, err
}

// TurnResult is what one customer message produced.
type TurnResult struct {
	Replies []Reply         `json:"replies"`
	Dispute *DisputeSummary `json:"dispute"`
	Handoff *HandoffSummary `json:"handoff"`
}

// DisputeSummary is the dispute a turn opened or touched.
type DisputeSummary struct {
	ID             string `json:"id"`
	Status         string `json:"status"`
	Reason         string `json:"reason"`
	PaymentsPaused bool   `json:"payments_paused"`
}

// HandoffSummary is the handoff a turn created.
type HandoffSummary struct {
	ID             string `json:"id"`
	Status         string `json:"status"`
	ReasonCategory string `json:"reason_category"`
}

func validText(text string) error {
	switch {
	case !utf8.ValidString(text):
		return errs.Invalidf("text", "text must be valid UTF-8")
	case strings.TrimSpace(text) == "":
		return errs.Invalidf("text", "text is required")
	case utf8.RuneCountInString(text) > MaxMessageChars:
		return errs.New(errs.TooLarge, "message_too_large", "a message is at most 4,000 characters")
	}
	return nil
}

// Send handles one customer message: it is redacted, understood, stored and
// answered (turn.go says how the work is split so that nothing waits while
// holding a lock or a connection).
func (s *Service) Send(ctx context.Context, customerID, convID, text string) (TurnResult, error) {
	if err := validText(text); err != nil {
		return TurnResult{}, err
	}
	text = nlu.Redact(text)
	c, err := getConversation(ctx, s.pool, convID, false)
	if err != nil || c.CustomerID != customerID {
		return TurnResult{}, ErrConversationNotFound
	}
	u, err := s.understand(ctx, c, text)
	if err != nil {
		return TurnResult{}, err
	}
	var res TurnResult
	var t *turn
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		c, err := getConversation(ctx, tx, convID, true)
		if err != nil {
			return err
		}
		t = &turn{s: s, tx: tx, ds: s.disputes.WithDB(tx), c: c, now: s.clock.Now()}
		if res, err = t.act(ctx, u); err != nil {
			return err
		}
		return saveConversation(ctx, tx, t.c, t.now)
	})
	if err != nil {
		return TurnResult{}, err
	}
	res.Replies = s.word(ctx, t)
	stored, err := s.storeReplies(ctx, convID, res.Replies)
	if err != nil {
		return TurnResult{}, err
	}
	s.hub.Publish(convID, append(t.stored, stored...))
	return res, nil
}

// storeReplies appends the bot's replies to the transcript.
func (s *Service) storeReplies(ctx context.Context, convID string, replies []Reply) ([]Message, error) {
	var out []Message
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := getConversation(ctx, tx, convID, true); err != nil {
			return err
		}
		for _, r := range replies {
			m, err := appendMessage(ctx, tx, convID, Message{Role: "bot", Text: r.Text, Citations: r.Citations,
				QuickReplies: r.QuickReplies, At: s.clock.Now()})
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}
