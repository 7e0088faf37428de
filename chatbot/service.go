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

// Disputes is what the chatbot asks of the disputes domain. It can open,
// escalate and read disputes; it has no way to decide one or move money.
type Disputes interface {
	CustomerOrders(ctx context.Context, customerID string, p disputes.Page) ([]disputes.Order, string, error)
	Customer(ctx context.Context, id string) (disputes.Customer, error)
	Open(ctx context.Context, in disputes.OpenInput) (disputes.Dispute, error)
	Escalate(ctx context.Context, disputeID string, in disputes.EscalateInput) (disputes.Handoff, error)
	ConversationHandoff(ctx context.Context, in disputes.ConversationHandoffInput) (disputes.Handoff, error)
	CustomerDispute(ctx context.Context, customerID, id string) (disputes.View, error)
	LatestDecision(ctx context.Context, disputeID string) (disputes.DecisionSummary, error)
	AgentCase(ctx context.Context, disputeID string) (disputes.CaseView, error)
	GetHandoff(ctx context.Context, id string) (disputes.Handoff, error)
}

// Service runs conversations.
type Service struct {
	pool     *pgxpool.Pool
	clock    clock.Clock
	ids      *id.Generator
	nlu      nlu.Engine
	kb       Retriever
	disputes Disputes
	hub      *Hub
	writer   Writer
}

// NewService wires the chatbot.
func NewService(pool *pgxpool.Pool, c clock.Clock, ids *id.Generator, engine nlu.Engine, kb Retriever, d Disputes) *Service {
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

// Send handles one customer message: it is redacted, stored, understood, and
// answered — all in one transaction holding the conversation's row lock, so
// two messages of one conversation are handled one after the other.
func (s *Service) Send(ctx context.Context, customerID, convID, text string) (TurnResult, error) {
	if err := validText(text); err != nil {
		return TurnResult{}, err
	}
	var res TurnResult
	var stored []Message
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		c, err := getConversation(ctx, tx, convID, true)
		if err != nil || c.CustomerID != customerID {
			return ErrConversationNotFound
		}
		t := &turn{s: s, tx: tx, c: c, now: s.clock.Now()}
		if res, err = t.run(ctx, nlu.Redact(text)); err != nil {
			return err
		}
		stored = t.stored
		return saveConversation(ctx, tx, t.c, t.now)
	})
	if err == nil {
		s.hub.Publish(convID, stored)
	}
	return res, err
}
