package chatbot

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/settlehq/settle/disputes"
	"github.com/settlehq/settle/internal/errs"
)

// AgentMessage posts an agent's message into a conversation the agent owns
// (claimed the handoff of) and delivers it to the customer's live sockets. The
// bot stays silent from then on.
func (s *Service) AgentMessage(ctx context.Context, agentID, convID, text string) (Message, error) {
	if !utf8.ValidString(text) || strings.TrimSpace(text) == "" || utf8.RuneCountInString(text) > MaxMessageChars {
		return Message{}, errs.Invalidf("text", "text is 1 to 4,000 characters")
	}
	var m Message
	var stored []Message
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		c, err := getConversation(ctx, tx, convID, true)
		if err != nil {
			return err
		}
		if err := s.checkOwner(ctx, s.disputes.WithDB(tx), c, agentID); err != nil {
			return err
		}
		t := &turn{s: s, tx: tx, c: c, now: s.clock.Now()}
		if err := t.append(ctx, Message{Role: "agent", Author: agentID, Text: text}); err != nil {
			return err
		}
		m, stored = t.stored[0], t.stored
		t.c.Status, t.c.State.Phase = "agent", PhaseAgent
		return saveConversation(ctx, tx, t.c, t.now)
	})
	if err == nil {
		s.hub.Publish(convID, stored)
	}
	return m, err
}

// checkOwner lets through only the agent who claimed the conversation's handoff.
func (s *Service) checkOwner(ctx context.Context, ds *disputes.Service, c Conversation, agentID string) error {
	handoffID := c.HandoffID
	if handoffID == "" && c.DisputeID != "" {
		cv, err := ds.AgentCase(ctx, c.DisputeID)
		if err != nil {
			return err
		}
		if cv.Handoff != nil {
			handoffID = cv.Handoff.ID
		}
	}
	if handoffID == "" {
		return errs.Conflictf("no_handoff", "this conversation has not been handed to a person")
	}
	h, err := ds.GetHandoff(ctx, handoffID)
	switch {
	case err != nil:
		return err
	case h.Status == "open":
		return errs.Conflictf("not_claimed", "claim this case from the queue before writing to the customer")
	case h.ClaimedBy != agentID:
		return errs.New(errs.Forbidden, "claimed_by_other", "another agent owns this conversation")
	}
	return nil
}

// ConversationForDispute finds the chat a dispute came from.
func (s *Service) ConversationForDispute(ctx context.Context, disputeID string) (string, error) {
	var id string
	err := s.pool.QueryRow(ctx, `SELECT id FROM conversations WHERE dispute_id = $1 ORDER BY created_at DESC LIMIT 1`, disputeID).Scan(&id)
	if err == pgx.ErrNoRows {
		return "", errs.NotFoundf("dispute %s has no conversation", disputeID)
	}
	return id, err
}

// AgentView returns a conversation and its transcript for staff.
func (s *Service) AgentView(ctx context.Context, convID string) (Conversation, []Message, error) {
	c, err := getConversation(ctx, s.pool, convID, false)
	if err != nil {
		return c, nil, err
	}
	msgs, err := transcript(ctx, s.pool, convID)
	return c, msgs, err
}
